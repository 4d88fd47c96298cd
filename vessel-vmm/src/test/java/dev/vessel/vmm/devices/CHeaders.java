package dev.vessel.vmm.devices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Evaluates C constant expressions against the host's kernel UAPI headers by compiling a tiny
 * program, so that every number the device models hard-code is checked against its source.
 */
public final class CHeaders {

    private CHeaders() {
    }

    /** Values of {@code expressions} (e.g. "sizeof(struct ifreq)") with {@code includes}; skips without a C compiler. */
    public static Map<String, Long> values(List<String> includes, List<String> expressions) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/cc")), "no C compiler (apt-get install gcc)");
        for (String inc : includes) {
            Assumptions.assumeTrue(!inc.startsWith("linux/") ||Files.exists(Path.of("/usr/include", inc)), "/usr/include/" + inc + " missing (apt-get install linux-libc-dev)");
        }
        Path dir = Files.createTempDirectory("vessel-uapi");
        try {
            StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n");
            for (String inc : includes) {
                c.append("#include <").append(inc).append(">\n");
            }
            c.append("int main(void) {\n");
            for (String e : expressions) {
                c.append("  printf(\"%lld\\n\", (long long)(").append(e).append("));\n");
            }
            c.append("  return 0;\n}\n");
            Files.writeString(dir.resolve("u.c"), c);
            run(dir, "cc", "-o", "u", "u.c");
            String[] lines = run(dir, "./u").split("\n");
            Map<String, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < expressions.size(); i++) {
                out.put(expressions.get(i), Long.parseLong(lines[i].trim()));
            }
            return out;
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }
}
