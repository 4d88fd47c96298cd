package dev.vessel.runtime.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * System call numbers of one ABI, by name, from {@code src/main/resources/seccomp/syscalls-<abi>.txt}
 * (generated from the kernel's own UAPI headers; see the header of each file).
 */
public final class SyscallTable {

    private final String abi;
    private final Map<String, Integer> numbers;

    private SyscallTable(String abi, Map<String, Integer> numbers) {
        this.abi = abi;
        this.numbers = Collections.unmodifiableMap(numbers);
    }

    /** "x86_64", "i386" or "x32". */
    public static SyscallTable load(String abi) {
        String resource = "/seccomp/syscalls-" + abi + ".txt";
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("syscall table " + resource + " is missing from the runtime's jar");
            }
            return parse(abi, new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SyscallTable parse(String abi, BufferedReader r) throws IOException {
        Map<String, Integer> m = new LinkedHashMap<>();
        String line;
        while ((line = r.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            m.put(f[0], Integer.parseInt(f[1]));
        }
        return new SyscallTable(abi, m);
    }

    public String abi() {
        return abi;
    }

    public OptionalInt number(String name) {
        Integer n = numbers.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    public Map<String, Integer> all() {
        return numbers;
    }
}
