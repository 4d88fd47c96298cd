package dev.vessel.runtime.spec;

import java.util.Collection;
import java.util.Locale;

/** "did you mean" for names from a fixed table (capabilities, namespace types, options). */
final class Suggest {

    private Suggest() {}

    /** {@code "; did you mean X?"}, or "" when nothing in {@code names} is close. */
    static String didYouMean(String wrong, Collection<String> names) {
        if (wrong == null || wrong.isEmpty()) {
            return "";
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = wrong.toUpperCase(Locale.ROOT);
        for (String n : names) {
            int d = distance(w, n.toUpperCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = n;
            }
        }
        // Allow about one typo per four characters: closer than that is a guess, not a hint.
        return best != null && bestDistance <= Math.max(1, wrong.length() / 4) ? "; did you mean " + best + "?" : "";
    }

    /** Edit distance where swapping two neighbours ("nosiud") is one typo, not two. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
