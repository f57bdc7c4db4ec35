package dev.opsworkbook.grading;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The grading report as one self-contained page ({@code scripts/grade.sh --html}): the scoreboard, every failing
 * test with its task, message and hint, each test's duration, and an exercise's benchmark chart when
 * {@code scripts/bench.sh} has drawn one. Inline CSS, no script, nothing fetched: it opens from an e-mail or a CI
 * artifact as it is. Everything that came from a test run is escaped, and the page is well-formed XML (a polyglot
 * of HTML5 and XHTML), so a strict XML parser can check it.
 */
final class HtmlReport {
    private HtmlReport() {
    }

    /** An exercise's benchmark chart: the SVG itself (embedded) and where it lies, relative to the page (linked). */
    record Chart(String svg, String link) {
    }

    private static final String CSS = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a202c;margin:0;\
            background:#f7fafc}
            main{max-width:1100px;margin:0 auto;padding:24px}
            h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:0}h3{font-size:16px;margin:18px 0 6px}
            .sub{color:#4a5568;margin:0 0 20px}
            table{border-collapse:collapse;width:100%;background:#fff}
            th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e2e8f0;vertical-align:top}
            th{background:#edf2f7;font-weight:600}td.num,th.num{text-align:right;white-space:nowrap}
            .bar{background:#e2e8f0;border-radius:3px;height:10px;width:140px;display:inline-block;vertical-align:middle}
            .bar span{display:block;height:10px;border-radius:3px;background:#38a169}
            .st{font-weight:700;white-space:nowrap}.pass{color:#276749}.fail{color:#c53030}.error{color:#975a16}
            section.ex{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:16px 20px;margin:24px 0}
            .head{display:flex;justify-content:space-between;align-items:baseline;gap:16px;flex-wrap:wrap}
            .test{border-left:4px solid #c53030;background:#fff5f5;padding:8px 12px;margin:10px 0;overflow-wrap:anywhere}
            .test .name{font-weight:600}.meta{color:#4a5568;font-size:13px}
            pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#1a202c;color:#f7fafc;padding:8px 10px;\
            border-radius:4px;font-size:13px;margin:6px 0}
            .hint{background:#fffbea;border-left:4px solid #d69e2e;padding:4px 10px;margin:6px 0}
            .note{color:#4a5568}ul{margin:6px 0}
            figure{margin:16px 0 0}figure img{max-width:100%;height:auto;border:1px solid #e2e8f0}
            figcaption{color:#4a5568;font-size:13px}details{margin-top:12px}summary{cursor:pointer;color:#2b6cb0}
            """;

    /** The page for {@code report}; {@code charts} holds the benchmark charts found, by exercise slug. */
    static String page(Results.Report report, Map<String, Chart> charts) {
        StringBuilder h = new StringBuilder(8192);
        String title = "Ops Workbook grading: " + report.score() + "/" + report.maxScore();
        h.append("<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"sub\">Graded: ")
                .append("solutions".equals(report.graded()) ? "the reference solutions (solutions/)"
                        : "your code (exercises/)")
                .append(report.task() == null ? "" : ", task " + report.task() + " only").append("</p>\n");
        scoreboard(h, report);
        for (Results.Exercise e : report.exercises()) {
            exercise(h, e, charts.get(e.slug()));
        }
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void scoreboard(StringBuilder h, Results.Report report) {
        h.append("<table class=\"scoreboard\">\n<thead><tr><th>Exercise</th><th class=\"num\">Score</th><th></th>")
                .append("<th>Status</th><th class=\"num\">Tests passing</th><th class=\"num\">Time</th></tr></thead>\n")
                .append("<tbody>\n");
        for (Results.Exercise e : report.exercises()) {
            long passed = e.tests().stream().filter(Results.Test::passed).count();
            h.append("<tr><td><a href=\"#").append(esc(e.slug())).append("\">").append(esc(e.slug()))
                    .append("</a></td><td class=\"num\">").append(e.score()).append('/').append(e.maxScore())
                    .append("</td><td>").append(bar(e.score(), e.maxScore())).append("</td><td>").append(status(e))
                    .append("</td><td class=\"num\">").append(passed).append(" of ").append(e.tests().size())
                    .append("</td><td class=\"num\">").append(duration(total(e))).append("</td></tr>\n");
        }
        h.append("</tbody>\n<tfoot><tr><th>Total</th><th class=\"num\">").append(report.score()).append('/')
                .append(report.maxScore()).append("</th><th>").append(bar(report.score(), report.maxScore()))
                .append("</th><th></th><th></th><th class=\"num\">")
                .append(duration(report.exercises().stream().mapToLong(HtmlReport::total).sum()))
                .append("</th></tr></tfoot>\n</table>\n");
    }

    private static void exercise(StringBuilder h, Results.Exercise e, @Nullable Chart chart) {
        List<Results.Test> failing = e.tests().stream().filter(t -> !t.passed()).toList();
        h.append("<section class=\"ex\" id=\"").append(esc(e.slug())).append("\">\n<div class=\"head\"><h2>")
                .append(esc(e.slug())).append("</h2><span>").append(e.score()).append('/').append(e.maxScore())
                .append(' ').append(status(e)).append("</span></div>\n");
        if (e.message() != null && !Results.PASS.equals(e.status())) {
            h.append("<pre>").append(esc(e.message().strip())).append("</pre>\n");
        }
        if (!e.flags().isEmpty()) {
            h.append("<p class=\"note\">Flagged for review (no points taken): the code reaches for the grader</p>\n");
            list(h, e.flags());
        }
        if (!e.advice().isEmpty()) {
            h.append("<p class=\"note\">Advice from static analysis (no points taken):</p>\n");
            list(h, e.advice());
        }
        if (failing.isEmpty()) {
            h.append("<p class=\"pass\">Every test passes.</p>\n");
        } else {
            h.append("<h3>").append(failing.size()).append(failing.size() == 1 ? " failing test" : " failing tests")
                    .append("</h3>\n");
        }
        for (Results.Test t : failing) {
            h.append("<div class=\"test\"><div class=\"name\">").append(esc(String.valueOf(t.name())))
                    .append("</div>\n<div class=\"meta\">")
                    .append(t.taskId() == null ? "" : "task " + t.taskId() + " · ").append("0/")
                    .append(t.maxPoints()).append(" points · ").append(duration(t.durationMs())).append("</div>\n");
            if (t.notImplemented()) {
                h.append("<p>Not implemented yet: the stub still throws UnsupportedOperationException.</p>\n");
            } else if (t.message() != null) {
                h.append("<pre>").append(esc(firstLines(t.message(), 12))).append("</pre>\n");
            }
            if (t.hint() != null) {
                h.append("<p class=\"hint\"><b>Hint:</b> ").append(esc(t.hint())).append("</p>\n");
            }
            h.append("</div>\n");
        }
        if (!e.tests().isEmpty()) {
            h.append("<details><summary>All ").append(e.tests().size())
                    .append(" tests, with their points and durations</summary>\n<table>\n<thead><tr><th></th>")
                    .append("<th>Test</th><th class=\"num\">Task</th><th class=\"num\">Points</th>")
                    .append("<th class=\"num\">Time</th></tr></thead>\n<tbody>\n");
            for (Results.Test t : e.tests()) {
                h.append("<tr><td class=\"st ").append(t.passed() ? "pass\">✓" : "fail\">✗").append("</td><td>")
                        .append(esc(String.valueOf(t.name()))).append("</td><td class=\"num\">")
                        .append(t.taskId() == null ? "" : t.taskId()).append("</td><td class=\"num\">")
                        .append(t.points()).append('/').append(t.maxPoints()).append("</td><td class=\"num\">")
                        .append(duration(t.durationMs())).append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n</details>\n");
        }
        if (chart != null) {
            // As an image, not inline markup: an <img> SVG runs nothing and cannot restyle the page.
            h.append("<figure><img alt=\"Benchmark chart of ").append(esc(e.slug()))
                    .append(": each implementation's cost relative to its baseline\" src=\"data:image/svg+xml;base64,")
                    .append(Base64.getEncoder().encodeToString(chart.svg().getBytes(StandardCharsets.UTF_8)))
                    .append("\"/>\n<figcaption>Benchmarks (scripts/bench.sh): cost relative to the library baseline")
                    .append(" in the same JMH run, with JMH's error; lower is better. <a href=\"")
                    .append(esc(chart.link())).append("\">Open the chart</a></figcaption></figure>\n");
        }
        h.append("</section>\n");
    }

    private static void list(StringBuilder h, List<String> items) {
        h.append("<ul>\n");
        items.forEach(i -> h.append("<li>").append(esc(i)).append("</li>\n"));
        h.append("</ul>\n");
    }

    private static String status(Results.Exercise e) {
        String s = String.valueOf(e.status());
        String css = switch (s) {
            case Results.PASS, Results.FAIL -> s;
            default -> Results.ERROR;
        };
        return "<span class=\"st " + css + "\">" + esc(s.toUpperCase(Locale.ROOT)) + "</span>";
    }

    private static String bar(long score, long max) {
        long percent = max <= 0 ? 0 : Math.max(0, Math.min(100, score * 100 / max));
        return "<span class=\"bar\" title=\"" + percent + "%\"><span style=\"width:" + percent + "%\"></span></span>";
    }

    private static long total(Results.Exercise e) {
        return e.tests().stream().mapToLong(Results.Test::durationMs).sum();
    }

    private static String duration(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String firstLines(String s, int n) {
        String[] lines = s.strip().split("\\R");
        return lines.length <= n ? s.strip() : String.join("\n", List.of(lines).subList(0, n)) + "\n…";
    }

    /**
     * Text for an element or an attribute: the five markup characters as entities, and the characters XML forbids
     * (most C0 controls, say from a test's raw output) as U+FFFD, so the page stays well-formed.
     */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    boolean allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
                    out.appendCodePoint(allowed ? c : 0xFFFD);
                }
            }
        });
        return out.toString();
    }
}
