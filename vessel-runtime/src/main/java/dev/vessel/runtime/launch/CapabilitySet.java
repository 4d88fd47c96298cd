package dev.vessel.runtime.launch;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.CapabilityNames;
import java.util.List;

/** Capability names to the bit masks capset(2) and the bounding-set drop take. */
final class CapabilitySet {

    private CapabilitySet() {}

    static long mask(List<String> names) {
        long m = 0;
        if (names == null) {
            return 0;
        }
        for (String n : names) {
            int i = CapabilityNames.number(n);
            if (i < 0) {
                throw new RuntimeError("process.capabilities: unknown capability \"" + n + "\"");
            }
            m |= 1L << i;
        }
        return m;
    }
}
