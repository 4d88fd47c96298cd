package dev.vessel.vmm.devices.virtio;

import static dev.vessel.vmm.devices.virtio.GuestDriver.RAM_BASE;

import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Random register traffic against a transport: any offset, size, value and order must be harmless. */
public final class RegisterFuzz {

    private static final Logger QUIET = Logger.getLogger(VirtioMmio.class.getName());

    private RegisterFuzz() {
    }

    public static void run(VirtioMmio mmio, int accesses) {
        QUIET.setLevel(Level.OFF); // expected NEEDS_RESET warnings by the thousand
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] sizes = {1, 2, 4, 8};
        try {
            for (int i = 0; i < accesses; i++) {
                long offset = rnd.nextInt(4) == 0 ? rnd.nextLong(VirtioMmio.WINDOW_SIZE) : 4L * rnd.nextInt(0x48);
                int size = sizes[rnd.nextInt(4)];
                long value = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextLong();
                    case 1 -> rnd.nextInt(16);
                    case 2 -> RAM_BASE + rnd.nextInt(4 << 20);
                    default -> -1L;
                };
                try {
                    if (rnd.nextBoolean()) {
                        mmio.read(offset, size);
                    } else {
                        mmio.write(offset, size, value);
                    }
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ": access at 0x" + Long.toHexString(offset) + " size " + size
                            + " value 0x" + Long.toHexString(value), e);
                }
                String f = mmio.failure();
                if (f != null && f.startsWith("internal error")) {
                    throw new AssertionError("seed " + seed + ": " + f);
                }
            }
        } finally {
            mmio.shutdown();
            QUIET.setLevel(null);
        }
    }
}
