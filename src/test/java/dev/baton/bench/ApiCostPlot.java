package dev.baton.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

/**
 * The API cost rows against the number of jobs ({@code api-cost.png}), one panel per row, Baton (blue) beside
 * fabric8's electors (orange). Job counts are evenly spaced (1, 10, 50, 200, 1000 are roughly logarithmic already);
 * writes and bytes on a log scale, since they span decades. Drawn with java.awt (headless), no chart library.
 */
final class ApiCostPlot {

    private static final int PANEL_W = 420;
    private static final int PANEL_H = 280;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 40;
    private static final Color BATON = new Color(0x1f77b4);
    private static final Color FABRIC8 = new Color(0xff7f0e);

    private record Panel(String title, boolean log, ToDoubleFunction<ApiCostGroup.Result> value) {
    }

    private ApiCostPlot() {
    }

    static void write(List<ApiCostGroup.Result> results, List<Integer> sizes, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Panel> panels = List.of(
                new Panel(ApiCostReport.Row.RENEWED_SIZE.title, false, r -> r.renewedLeaseBytes()),
                new Panel(ApiCostReport.Row.WRITES.title + " (log)", true, ApiCostGroup.Result::writesPerMin),
                new Panel(ApiCostReport.Row.BYTES.title + " (log)", true, ApiCostGroup.Result::bytesPerMin),
                new Panel(ApiCostReport.Row.STANDBY_CPU.title, false,
                        r -> ScaleReport.Spread.of(r.standbyCpu()).median()),
                new Panel(ApiCostReport.Row.SHARE.title, false, ApiCostGroup.Result::largestSharePercent));
        int w = PANEL_W * 3;
        int h = PANEL_H * 2;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < panels.size(); i++) {
            panel(g, (i % 3) * PANEL_W, (i / 3) * PANEL_H, panels.get(i), results, sizes);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int y = PANEL_H + 60;
        for (ScaleGroup.Kind kind : ScaleGroup.Kind.values()) {
            g.setColor(kind == ScaleGroup.Kind.BATON ? BATON : FABRIC8);
            g.fillOval(2 * PANEL_W + LEFT, y - 9, 10, 10);
            g.drawString(kind.title, 2 * PANEL_W + LEFT + 18, y);
            y += 22;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int y0, Panel p, List<ApiCostGroup.Result> results,
            List<Integer> sizes) {
        double max = results.stream().mapToDouble(p.value()).filter(v -> !Double.isNaN(v)).max().orElse(1);
        double top = p.log() ? Math.pow(10, Math.ceil(Math.log10(Math.max(10, max)))) : Math.max(1, max * 1.1);
        int plotW = PANEL_W - LEFT - RIGHT;
        int plotH = PANEL_H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(p.title(), x0 + 10, y0 + 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int steps = p.log() ? (int) Math.round(Math.log10(top)) : 4;
        for (int k = 0; k <= steps; k++) {
            double v = p.log() ? Math.pow(10, k) : top * k / steps;
            int y = yOf(y0, v, top, plotH, p.log());
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0 + LEFT, y, x0 + PANEL_W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = Report.fmt(v);
            g.drawString(label, x0 + LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        for (int i = 0; i < sizes.size(); i++) {
            String label = Integer.toString(sizes.get(i));
            int x = xOf(x0, i, sizes.size(), plotW);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, y0 + PANEL_H - BOTTOM + 18);
        }
        String axis = "singleton jobs";
        g.drawString(axis, x0 + LEFT + (plotW - g.getFontMetrics().stringWidth(axis)) / 2, y0 + PANEL_H - BOTTOM + 33);
        for (ScaleGroup.Kind kind : ScaleGroup.Kind.values()) {
            g.setColor(kind == ScaleGroup.Kind.BATON ? BATON : FABRIC8);
            g.setStroke(new BasicStroke(2));
            int px = -1;
            int py = -1;
            for (int i = 0; i < sizes.size(); i++) {
                Optional<ApiCostGroup.Result> r = ApiCostReport.find(results, kind, sizes.get(i));
                if (r.isEmpty() || Double.isNaN(p.value().applyAsDouble(r.get()))) {
                    continue;
                }
                int x = xOf(x0, i, sizes.size(), plotW);
                int y = yOf(y0, p.value().applyAsDouble(r.get()), top, plotH, p.log());
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1));
    }

    private static int xOf(int x0, int i, int n, int plotW) {
        return x0 + LEFT + (n == 1 ? plotW / 2 : 30 + (plotW - 60) * i / (n - 1));
    }

    private static int yOf(int y0, double v, double top, int plotH, boolean log) {
        double f = log ? Math.log10(Math.max(1, v)) / Math.log10(top) : Math.max(0, v) / top;
        return y0 + TOP + plotH - (int) Math.round(plotH * f);
    }
}
