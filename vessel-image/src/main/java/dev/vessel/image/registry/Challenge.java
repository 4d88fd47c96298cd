package dev.vessel.image.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code WWW-Authenticate} header (RFC 7235): {@code Bearer realm="https://auth/token",
 * service="registry",scope="repository:app:pull"} or {@code Basic realm="x"}.
 */
public record Challenge(String scheme, Map<String, String> params) {

    public static Optional<Challenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.strip();
        int sp = h.indexOf(' ');
        String scheme = (sp < 0 ? h : h.substring(0, sp)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = sp < 0 ? h.length() : sp + 1;
        while (i < h.length()) {
            while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                i++;
            }
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = h.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < h.length() && h.charAt(i) == '"') {
                i++;
                while (i < h.length() && h.charAt(i) != '"') {
                    if (h.charAt(i) == '\\' && i + 1 < h.length()) {
                        i++;
                    }
                    v.append(h.charAt(i++));
                }
                i++; // closing quote
            } else {
                while (i < h.length() && h.charAt(i) != ',') {
                    v.append(h.charAt(i++));
                }
            }
            params.put(key, v.toString().strip());
        }
        return Optional.of(new Challenge(scheme, params));
    }

    public String param(String name) {
        return params.get(name);
    }
}
