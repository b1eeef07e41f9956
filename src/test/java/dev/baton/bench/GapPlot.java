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

import javax.imageio.ImageIO;

/**
 * One PNG: the leaderless gap of every handover, per scenario, Baton beside fabric8's elector. Each dot is one
 * handover; the bar is the median. Drawn with java.awt (headless), no chart library.
 */
final class GapPlot {

    private static final int W = 960;
    private static final int H = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color BATON = new Color(0x1f77b4);
    private static final Color FABRIC8 = new Color(0xff7f0e);

    private GapPlot() {
    }

    static void write(BenchResult result, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        Optional<BenchResult.GroupResult> baton = result.group(Group.Kind.BATON);
        Optional<BenchResult.GroupResult> fabric8 = result.group(Group.Kind.FABRIC8);
        long max = 1000;
        for (Optional<BenchResult.GroupResult> gr : List.of(baton, fabric8)) {
            for (BenchResult.ScenarioResult s : gr.map(x -> x.scenarios().values()).orElse(List.of())) {
                max = Math.max(max, s.gap().max());
            }
        }
        long top = (max / 1000 + 1) * 1000;
        int plotH = H - TOP - BOTTOM;
        int plotW = W - LEFT - RIGHT;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (long tick = 0; tick <= top; tick += top <= 5000 ? 500 : 1000) {
            int y = TOP + plotH - (int) (plotH * tick / top);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, W - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(tick + " ms", 10, y + 4);
        }
        Scenario[] scenarios = java.util.Arrays.stream(Scenario.values()).filter(Scenario::disruption)
                .toArray(Scenario[]::new);
        int slot = plotW / scenarios.length;
        for (int i = 0; i < scenarios.length; i++) {
            int x0 = LEFT + i * slot;
            g.setColor(Color.BLACK);
            String label = scenarios[i].name().toLowerCase();
            g.drawString(label, x0 + (slot - g.getFontMetrics().stringWidth(label)) / 2, H - BOTTOM + 20);
            column(g, baton, scenarios[i], x0 + slot / 4, top, plotH, BATON);
            column(g, fabric8, scenarios[i], x0 + 3 * slot / 4, top, plotH, FABRIC8);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString("Leaderless gap per handover (dots) and median (bar)", LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(BATON);
        g.fillRect(LEFT, H - 30, 12, 12);
        g.drawString("Baton", LEFT + 18, H - 19);
        g.setColor(FABRIC8);
        g.fillRect(LEFT + 100, H - 30, 12, 12);
        g.drawString("fabric8 LeaderElector", LEFT + 118, H - 19);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void column(Graphics2D g, Optional<BenchResult.GroupResult> group, Scenario scenario, int x,
            long top, int plotH, Color color) {
        BenchResult.ScenarioResult s = group.map(gr -> gr.scenarios().get(scenario)).orElse(null);
        if (s == null || s.gaps().isEmpty()) {
            return;
        }
        g.setColor(color);
        List<Long> gaps = s.gaps();
        for (int k = 0; k < gaps.size(); k++) {
            int y = TOP + plotH - (int) (plotH * Math.max(0, gaps.get(k)) / top);
            int dx = (k % 5 - 2) * 6;
            g.fillOval(x + dx - 4, y - 4, 8, 8);
        }
        int ym = TOP + plotH - (int) (plotH * Math.max(0, s.gap().p50()) / top);
        g.setStroke(new BasicStroke(3));
        g.drawLine(x - 22, ym, x + 22, ym);
        g.setStroke(new BasicStroke(1));
        g.drawString(s.gap().p50() + "", x + 26, ym + 4);
    }
}
