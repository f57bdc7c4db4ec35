package dev.opsworkbook.notes.sync;

import java.util.ArrayList;
import java.util.List;

/** A small line diff (longest common subsequence) for failure messages: what the source has vs the note. */
final class Diff {

    private static final int MAX_LINES = 24;

    private Diff() {
    }

    /**
     * A unified-style hint: {@code -} lines are in the source region but not in the note, {@code +} lines
     * are in the note only; two lines of context; {@code firstLine} is the note's line number of the block's
     * first line.
     */
    static String hint(List<String> source, List<String> note, int firstLine) {
        int n = source.size();
        int m = note.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = source.get(i).equals(note.get(j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> ops = new ArrayList<>();
        List<Integer> noteLine = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && source.get(i).equals(note.get(j))) {
                ops.add("  " + source.get(i));
                noteLine.add(firstLine + j);
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add("- " + source.get(i));
                noteLine.add(firstLine + j);
                i++;
            } else {
                ops.add("+ " + note.get(j));
                noteLine.add(firstLine + j);
                j++;
            }
        }
        StringBuilder out = new StringBuilder("--- source region\n+++ note\n");
        int shown = 0;
        int lastPrinted = -1;
        for (int k = 0; k < ops.size() && shown < MAX_LINES; k++) {
            if (ops.get(k).startsWith("  ")) {
                continue;
            }
            int from = Math.max(lastPrinted + 1, k - 2);
            if (from > lastPrinted + 1 || lastPrinted < 0) {
                out.append("@@ note line ").append(noteLine.get(from)).append(" @@\n");
            }
            int to = Math.min(ops.size() - 1, k + 2);
            for (int p = from; p <= to && shown < MAX_LINES; p++) {
                out.append(ops.get(p)).append('\n');
                shown++;
                lastPrinted = p;
            }
            k = lastPrinted;
        }
        if (shown >= MAX_LINES) {
            out.append("... (diff cut)\n");
        }
        return out.toString().stripTrailing();
    }
}
