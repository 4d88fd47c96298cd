package dev.vessel.runtime.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the validator found, in document order. Each problem is one line that starts with the
 * JSON path, shows the value and says what to do.
 */
final class Problems {

    private final List<SpecException> found = new ArrayList<>();

    /** Records "{path} {text}". */
    void add(String path, String text) {
        found.add(new SpecException(path, path + " " + text));
    }

    List<SpecException> list() {
        return List.copyOf(found);
    }

    static String q(String s) {
        return s == null ? "null" : SpecParser.quote(s);
    }

    /** "; did you mean X?" or, with no close name, "; use one of a, b, c". */
    static String choices(String wrong, Collection<String> names) {
        return choices(wrong, names, null);
    }

    /** As {@link #choices(String, Collection)}, pointing to {@code reference} instead of a long list. */
    static String choices(String wrong, Collection<String> names, String reference) {
        String hint = Suggest.didYouMean(wrong, names);
        if (!hint.isEmpty()) {
            return hint;
        }
        return names.size() > 12 && reference != null ? "; see " + reference : "; use one of " + String.join(", ", names);
    }

    /** {@code "X" is not <what>}, or {@code is missing} when there is no value at all. */
    static String notA(String value, String what) {
        return value == null ? "is missing" : q(value) + " is not " + what;
    }

    /** Null-safe membership (List.of and Set.of throw on null). */
    static boolean in(Collection<String> names, String value) {
        return value != null && names.contains(value);
    }

    static boolean isAbsolute(String path) {
        return path != null && path.startsWith("/");
    }

    /** True if a ".." component could climb out of the directory the path is resolved in. */
    static boolean hasDotDot(String path) {
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
