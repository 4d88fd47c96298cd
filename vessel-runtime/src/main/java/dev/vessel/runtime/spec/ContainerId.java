package dev.vessel.runtime.spec;

import java.util.regex.Pattern;

/**
 * Container ids as runc accepts them: letters, digits and {@code _ + - .}, at most 1024
 * characters, never "." or "..". The id names a directory under the state root, so anything
 * that could be a path component other than a plain name is refused.
 */
public final class ContainerId {

    public static final int MAX_LENGTH = 1024;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_+.-]+");

    private ContainerId() {}

    /** Returns the id if valid; otherwise one line saying what is wrong and what is allowed. */
    public static String validate(String id) throws SpecException {
        if (id == null || id.isEmpty()) {
            throw new SpecException("id", "container id is empty; give an id such as \"web-1\"");
        }
        String shown = SpecParser.quote(id);
        if (id.equals(".") || id.equals("..")) {
            throw new SpecException("id", "container id " + shown + " is not allowed; choose a name, not a directory reference");
        }
        if (id.length() > MAX_LENGTH) {
            throw new SpecException("id", "container id " + shown + " is " + id.length()
                    + " characters long; the limit is " + MAX_LENGTH);
        }
        if (!ALLOWED.matcher(id).matches()) {
            String bad = firstBad(id);
            throw new SpecException("id", "container id " + shown + " contains " + bad
                    + "; use only letters, digits and _ + - .");
        }
        return id;
    }

    private static String firstBad(String id) {
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            String c = new String(Character.toChars(cp));
            if (!ALLOWED.matcher(c).matches()) {
                return cp < 0x20 || cp == 0x7f ? String.format("the control character U+%04X", cp) : "\"" + c + "\"";
            }
            i += Character.charCount(cp);
        }
        return "a character that is not allowed";
    }
}
