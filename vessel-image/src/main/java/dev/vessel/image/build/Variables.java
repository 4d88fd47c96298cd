package dev.vessel.image.build;

import java.util.Map;

/**
 * Containerfile variable substitution: {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-default}}
 * (default when unset or empty), {@code ${NAME:+alternative}} (when set and non-empty); the
 * escape character before '$' keeps it literal. Unset variables expand to nothing, as in Docker.
 */
public final class Variables {
    private Variables() {
    }

    public static String expand(String text, Map<String, String> vars, char escape) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == escape && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
            } else if (text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated ${ in \"" + text + "\"");
                }
                out.append(braced(text.substring(i + 2, end), vars, escape, text));
                i = end + 1;
            } else if (isNameStart(text.charAt(i + 1))) {
                int j = i + 1;
                while (j < text.length() && isNamePart(text.charAt(j))) {
                    j++;
                }
                out.append(vars.getOrDefault(text.substring(i + 1, j), ""));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String braced(String inner, Map<String, String> vars, char escape, String whole) {
        int colon = inner.indexOf(':');
        String name = colon < 0 ? inner : inner.substring(0, colon);
        if (name.isEmpty() || !isNameStart(name.charAt(0)) || !name.chars().allMatch(ch -> isNamePart((char) ch))) {
            throw new IllegalArgumentException("bad variable name \"" + name + "\" in \"" + whole + "\"");
        }
        String value = vars.get(name);
        if (colon < 0) {
            return value == null ? "" : value;
        }
        String rest = inner.substring(colon + 1);
        if (rest.startsWith("-")) {
            return value == null || value.isEmpty() ? expand(rest.substring(1), vars, escape) : value;
        }
        if (rest.startsWith("+")) {
            return value == null || value.isEmpty() ? "" : expand(rest.substring(1), vars, escape);
        }
        throw new IllegalArgumentException("unsupported modifier \":" + rest + "\" in \"" + whole
                + "\" (use ${NAME:-default} or ${NAME:+alternative})");
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
