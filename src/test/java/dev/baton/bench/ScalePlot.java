package dev.baton.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.imageio.ImageIO;

/**
 * One PNG of the SCALE benchmark: threads, open watches, API requests per minute and CPU against the number of job
 * Leases, one panel each; Baton (blue) beside fabric8's electors (orange), leader solid and idle standby dashed. A
 * dot is the median over the window, the whisker its min–max. Sizes are evenly spaced (1, 50, 200 would otherwise
 * crowd the first two). Drawn with java.awt (headless), no chart library.
 */
final class ScalePlot {

    private static final int PANEL_W = 480;
    private static final int PANEL_H = 300;
    private static final int LEGEND_H = 40;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 40;
    private static final Color BATON = new Color(0x1f77b4);
    private static final Color FABRIC8 = new Color(0xff7f0e);
    private static final Stroke SOLID = new BasicStroke(2);
    private static final Stroke DASHED = new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] { 7, 5 }, 0);

    private ScalePlot() {
    }

    static void write(List<ScaleGroup.Result> results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = PANEL_W * 2;
        int h = PANEL_H * 2 + LEGEND_H;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        List<Integer> sizes = results.stream().map(ScaleGroup.Result::leases).distinct().sorted().toList();
        ScaleReport.Measure[] measures = { ScaleReport.Measure.THREADS, ScaleReport.Measure.WATCHES,
                ScaleReport.Measure.REQUESTS, ScaleReport.Measure.CPU };
        for (int i = 0; i < measures.length; i++) {
            panel(g, (i % 2) * PANEL_W, (i / 2) * PANEL_H, measures[i], results, sizes);
        }
        legend(g, h - LEGEND_H + 22);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int y0, ScaleReport.Measure m, List<ScaleGroup.Result> results,
            List<Integer> sizes) {
        double max = 0;
        for (ScaleGroup.Result r : results) {
            max = Math.max(max, ScaleReport.leader(r, m).max());
            max = Math.max(max, ScaleReport.standby(r, m).max());
        }
        double top = niceTop(max);
        int plotW = PANEL_W - LEFT - RIGHT;
        int plotH = PANEL_H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(m.title + " per replica", x0 + LEFT, y0 + 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int k = 0; k <= 4; k++) {
            double v = top * k / 4;
            int y = y0 + TOP + plotH - (int) (plotH * k / 4.0);
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
        String axis = "job Leases (each plus the service Lease)";
        g.drawString(axis, x0 + LEFT + (plotW - g.getFontMetrics().stringWidth(axis)) / 2, y0 + PANEL_H - BOTTOM + 33);
        series(g, x0, y0, plotW, plotH, top, results, sizes, ScaleGroup.Kind.BATON, true, m);
        series(g, x0, y0, plotW, plotH, top, results, sizes, ScaleGroup.Kind.BATON, false, m);
        series(g, x0, y0, plotW, plotH, top, results, sizes, ScaleGroup.Kind.FABRIC8, true, m);
        series(g, x0, y0, plotW, plotH, top, results, sizes, ScaleGroup.Kind.FABRIC8, false, m);
    }

    private static void series(Graphics2D g, int x0, int y0, int plotW, int plotH, double top,
            List<ScaleGroup.Result> results, List<Integer> sizes, ScaleGroup.Kind kind, boolean leader,
            ScaleReport.Measure m) {
        g.setColor(kind == ScaleGroup.Kind.BATON ? BATON : FABRIC8);
        int px = -1;
        int py = -1;
        // Leader and standby side by side at each size, so that equal values stay visible.
        int shift = (kind == ScaleGroup.Kind.BATON ? -6 : 6) + (leader ? -2 : 2);
        for (int i = 0; i < sizes.size(); i++) {
            Optional<ScaleGroup.Result> r = ScaleReport.find(results, kind, sizes.get(i));
            if (r.isEmpty()) {
                continue;
            }
            ScaleReport.Spread s = leader ? ScaleReport.leader(r.get(), m) : ScaleReport.standby(r.get(), m);
            if (s.n() == 0) {
                continue;
            }
            int x = xOf(x0, i, sizes.size(), plotW) + shift;
            int y = yOf(y0, s.median(), top, plotH);
            g.setStroke(new BasicStroke(1));
            g.drawLine(x, yOf(y0, s.min(), top, plotH), x, yOf(y0, s.max(), top, plotH));
            g.fillOval(x - 4, y - 4, 8, 8);
            if (px >= 0) {
                g.setStroke(leader ? SOLID : DASHED);
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
        g.setStroke(new BasicStroke(1));
    }

    private static int xOf(int x0, int i, int n, int plotW) {
        return x0 + LEFT + (n == 1 ? plotW / 2 : 30 + (plotW - 60) * i / (n - 1));
    }

    private static int yOf(int y0, double v, double top, int plotH) {
        return y0 + TOP + plotH - (int) Math.round(plotH * Math.max(0, v) / top);
    }

    /** 1, 2 or 5 times a power of ten, at least the maximum (and at least 1). */
    private static double niceTop(double max) {
        double m = Math.max(1, max * 1.05);
        double p = Math.pow(10, Math.floor(Math.log10(m)));
        for (double f : new double[] { 1, 2, 5, 10 }) {
            if (f * p >= m) {
                return f * p;
            }
        }
        return 10 * p;
    }

    private static void legend(Graphics2D g, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = 20;
        for (Object[] item : new Object[][] { { BATON, SOLID, "Baton leader" }, { BATON, DASHED, "Baton idle standby" },
                { FABRIC8, SOLID, "fabric8 leader" }, { FABRIC8, DASHED, "fabric8 idle standby" } }) {
            g.setColor((Color) item[0]);
            g.setStroke((Stroke) item[1]);
            g.drawLine(x, y - 5, x + 30, y - 5);
            g.setStroke(new BasicStroke(1));
            g.drawString((String) item[2], x + 36, y);
            x += 36 + g.getFontMetrics().stringWidth((String) item[2]) + 24;
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("dot: median; whisker: min–max", x, y);
    }
}
