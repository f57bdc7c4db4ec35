package dev.opsworkbook.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chart {@code scripts/bench.sh} draws beside its table: one bar per implementation and baseline of the same
 * JMH run, from 1× (as costly as the baseline) to the implementation's cost ratio, on a log scale, with an error
 * bar from JMH's score errors. A self-contained SVG (no script, no font or style fetched); {@code grade.sh --html}
 * embeds it.
 */
final class BenchChart {
    private BenchChart() {
    }

    /** One bar: {@code low}/{@code high} are NaN when JMH gave no error (a single iteration). */
    record Bar(String run, String label, double ratio, double low, double high) {
    }

    private static final int WIDTH = 1020;
    private static final int LABEL = 400;
    private static final int PLOT = 440;
    private static final int ROW = 26;
    private static final int TOP = 72;
    private static final Map<String, String> RUN_COLOURS = Map.of("learner", "#2b6cb0", "reference", "#dd6b20");
    private static final String OTHER_COLOUR = "#805ad5";

    /**
     * {@code bench-chart OUT.svg TITLE LABEL JMH_JSON JMH_LOG [LABEL JMH_JSON JMH_LOG ...]}: the log names the
     * benchmarks that failed on a stub, listed under the bars.
     */
    static int run(List<String> args, PrintStream out) throws IOException {
        if (args.size() < 5 || (args.size() - 2) % 3 != 0) {
            System.err.println("usage: bench-chart OUT.svg TITLE LABEL JMH_JSON JMH_LOG [...]");
            return 2;
        }
        List<BenchReport.Result> results = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 2; i < args.size(); i += 3) {
            Path json = Path.of(args.get(i + 1));
            Path log = Path.of(args.get(i + 2));
            if (Files.isRegularFile(json) && Files.size(json) > 0) {
                results.addAll(BenchReport.parse(args.get(i), Files.readString(json, StandardCharsets.UTF_8)));
            }
            if (Files.isRegularFile(log)) {
                for (String method : BenchReport.stubbed(Files.readString(log, StandardCharsets.UTF_8))) {
                    notes.add(args.get(i) + " · " + method + ": not implemented yet, no bar");
                }
            }
        }
        Path svg = Path.of(args.getFirst());
        Path parent = svg.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(svg, svg(args.get(1), bars(results), notes), StandardCharsets.UTF_8);
        out.println("Chart: " + svg);
        return 0;
    }

    /**
     * Each implementation against each baseline of its scenario, parameters and run. The error bar is the ratio
     * multiplied and divided by 1 + r, where r adds the two scores' relative errors in quadrature (JMH's score error
     * is the half-width of its 99.9% interval): symmetric on the log axis, and never below zero however noisy
     * a short run was.
     */
    static List<Bar> bars(List<BenchReport.Result> results) {
        Map<String, List<BenchReport.Result>> groups = new LinkedHashMap<>();
        results.forEach(r -> groups.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r));
        List<Bar> bars = new ArrayList<>();
        for (List<BenchReport.Result> group : groups.values()) {
            List<BenchReport.Result> baselines = group.stream().filter(BenchReport.Result::baseline).toList();
            for (BenchReport.Result r : group) {
                if (r.baseline()) {
                    continue;
                }
                for (BenchReport.Result b : baselines) {
                    double ratio = BenchReport.cost(r, b);
                    double relative = Math.hypot(r.error() / r.score(), b.error() / b.score());
                    String params = r.params().equals("{}") ? "" : " " + r.params();
                    bars.add(new Bar(r.run(), r.scenario() + params + ": " + r.impl() + " vs " + b.impl(), ratio,
                            ratio / (1 + relative), ratio * (1 + relative)));
                }
            }
        }
        return bars.stream().filter(b -> Double.isFinite(b.ratio()) && b.ratio() > 0).toList();
    }

    static String svg(String title, List<Bar> bars) {
        return svg(title, bars, List.of());
    }

    /** The chart; each of {@code notes} is a line of text under it. */
    static String svg(String title, List<Bar> bars, List<String> notes) {
        int height = TOP + Math.max(1, bars.size()) * ROW + 48 + 18 * notes.size();
        StringBuilder s = new StringBuilder(4096);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n<title>")
                .append(HtmlReport.esc(title)).append("</title>\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
                .append("<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">").append(HtmlReport.esc(title))
                .append("</text>\n<text x=\"12\" y=\"40\" fill=\"#4a5568\">Cost relative to the library baseline")
                .append(" measured in the same JMH run (log scale; left of 1× is faster, right is slower)")
                .append("; whiskers: JMH's score error</text>\n");
        int noteY = TOP + Math.max(1, bars.size()) * ROW + 56;
        for (String note : notes) {
            s.append("<text x=\"12\" y=\"").append(noteY).append("\" fill=\"#4a5568\">").append(HtmlReport.esc(note))
                    .append("</text>\n");
            noteY += 18;
        }
        if (bars.isEmpty()) {
            s.append("<text x=\"12\" y=\"").append(TOP + 16).append("\">No implementation was measured beside a")
                    .append(" baseline (a baseline's method name starts with 'baseline').</text>\n</svg>\n");
            return s.toString();
        }
        double lo = 0.5;
        double hi = 2;
        for (Bar b : bars) {
            lo = Math.min(lo, b.ratio());
            hi = Math.max(hi, b.ratio());
            if (Double.isFinite(b.high())) {
                hi = Math.max(hi, b.high());
            }
            if (Double.isFinite(b.low()) && b.low() > 0) {
                lo = Math.min(lo, b.low());
            }
        }
        // Whole decades either side of 1×, at most 1e-3..1e3, so a wild error bar cannot squash the others.
        int fromDecade = (int) Math.max(-3, Math.floor(Math.log10(lo) + 1e-9));
        int toDecade = (int) Math.min(3, Math.ceil(Math.log10(hi) - 1e-9));
        double min = Math.pow(10, fromDecade);
        double max = Math.pow(10, toDecade);
        int plotBottom = TOP + bars.size() * ROW;
        for (int decade = fromDecade; decade <= toDecade; decade++) {
            for (int m : new int[] {1, 2, 5}) {
                if (decade == toDecade && m > 1) {
                    break;
                }
                double tick = m * Math.pow(10, decade);
                double x = x(tick, min, max);
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n",
                        x, TOP - 6, x, plotBottom, tick == 1 ? "#1a202c" : "#e2e8f0"));
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#4a5568\">"
                        + "%s×</text>%n", x, plotBottom + 16, number(tick)));
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#1a202c\">"
                + "baseline</text>%n", x(1, min, max), TOP - 10));
        int y = TOP;
        for (Bar b : bars) {
            String colour = RUN_COLOURS.getOrDefault(b.run(), OTHER_COLOUR);
            double x1 = x(1, min, max);
            double x2 = x(clamp(b.ratio(), min, max), min, max);
            int mid = y + ROW / 2;
            s.append("<text x=\"").append(LABEL - 8).append("\" y=\"").append(mid + 4)
                    .append("\" text-anchor=\"end\">").append(HtmlReport.esc(shorten(b.run() + " · " + b.label())))
                    .append("</text>\n");
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                    + "<title>%s</title></rect>%n", Math.min(x1, x2), y + 5, Math.max(1, Math.abs(x2 - x1)), ROW - 10,
                    colour, HtmlReport.esc(b.run() + " · " + b.label() + ": " + ratioText(b))));
            if (Double.isFinite(b.low()) && Double.isFinite(b.high())) {
                double wl = x(clamp(b.low(), min, max), min, max);
                double wh = x(clamp(b.high(), min, max), min, max);
                s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %dv8M%.1f %dH%.1fM%.1f %dv8\" stroke=\"#1a202c\""
                        + " stroke-width=\"1.5\" fill=\"none\"/>%n", wl, mid - 4, wl, mid, wh, wh, mid - 4));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LABEL + PLOT + 14, mid + 4,
                    HtmlReport.esc(ratioText(b))));
            y += ROW;
        }
        int legend = plotBottom + 36;
        int lx = 12;
        for (String run : bars.stream().map(Bar::run).distinct().toList()) {
            s.append("<rect x=\"").append(lx).append("\" y=\"").append(legend - 10).append("\" width=\"12\" height=\"12\"")
                    .append(" fill=\"").append(RUN_COLOURS.getOrDefault(run, OTHER_COLOUR)).append("\"/>")
                    .append("<text x=\"").append(lx + 18).append("\" y=\"").append(legend).append("\">")
                    .append(HtmlReport.esc(run)).append("</text>\n");
            lx += 30 + 8 * run.length();
        }
        return s.append("</svg>\n").toString();
    }

    private static double x(double value, double min, double max) {
        return LABEL + PLOT * (Math.log(value / min) / Math.log(max / min));
    }

    private static double clamp(double v, double min, double max) {
        return v <= 0 || Double.isNaN(v) ? min : Math.max(min, Math.min(max, v));
    }

    private static String ratioText(Bar b) {
        String ratio = String.format(Locale.ROOT, "%.2f×", b.ratio());
        if (!Double.isFinite(b.high())) {
            return ratio + " (no error estimate)";
        }
        return ratio + String.format(Locale.ROOT, " (%.2f–%.2f)", b.low(), b.high());
    }

    private static String number(double tick) {
        return java.math.BigDecimal.valueOf(tick).stripTrailingZeros().toPlainString();
    }

    private static String shorten(String label) {
        return label.length() <= 60 ? label : label.substring(0, 59) + "…";
    }
}
