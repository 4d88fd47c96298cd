package dev.vessel.image.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splitting instruction arguments into words, honouring "double" and 'single' quotes and the escape character. */
final class Words {
    private Words() {
    }

    static List<String> split(String text, char escape) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == escape && quote != '\'' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                // Keep "\$" for the variable expander; elsewhere the escape just protects the next char.
                if (next == '$') {
                    w.append(c);
                }
                w.append(next);
                i++;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else {
                w.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated " + quote + " quote");
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    /** {@code k=v k2="v 2"} pairs (ENV, LABEL); every word must contain '='. */
    static Map<String, String> pairs(String text, char escape, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String word : split(text, escape)) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(what + " expects NAME=VALUE pairs, got \"" + word + "\"");
            }
            out.put(word.substring(0, eq), word.substring(eq + 1));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " needs at least one NAME=VALUE");
        }
        return out;
    }
}
