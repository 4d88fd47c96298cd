package dev.vessel.runtime.spec;

import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import java.util.List;
import java.util.regex.Pattern;

/**
 * JSON paths as users read them: {@code process.user.uid}, {@code mounts[2].destination},
 * {@code linux.sysctl["net.ipv4.ip_forward"]} (map keys that are not plain names are quoted).
 */
public final class JsonPaths {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonPaths() {}

    public static String of(List<Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (Reference r : refs) {
            if (r.getFieldName() != null) {
                field(b, r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** {@code parent.name} or {@code parent["odd.name"]}. */
    static String field(String parent, String name) {
        return field(new StringBuilder(parent), name).toString();
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    private static StringBuilder field(StringBuilder b, String name) {
        if (NAME.matcher(name).matches()) {
            if (!b.isEmpty()) {
                b.append('.');
            }
            return b.append(name);
        }
        return b.append('[').append(SpecParser.quote(name)).append(']');
    }
}
