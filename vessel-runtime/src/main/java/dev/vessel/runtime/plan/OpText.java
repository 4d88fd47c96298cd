package dev.vessel.runtime.plan;

import dev.vessel.linux.Mounts;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.StringJoiner;

/**
 * An op as a reader of an error wants it: strings quoted, mount and clone flags by name, modes
 * in octal, a BPF program by its size ({@code Mount[source="proc", ..., flags=MS_NOSUID|MS_NODEV]}).
 */
final class OpText {

    private static final long[] CLONE_FLAGS = {0x80, 0x20000, 0x02000000, 0x04000000, 0x08000000,
        0x10000000, 0x20000000, 0x40000000};
    private static final String[] CLONE_NAMES = {"CLONE_NEWTIME", "CLONE_NEWNS", "CLONE_NEWCGROUP",
        "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET"};

    private OpText() {}

    static String describe(Op op) {
        StringJoiner fields = new StringJoiner(", ", op.getClass().getSimpleName() + "[", "]");
        for (RecordComponent c : op.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(op);
            } catch (IllegalAccessException | InvocationTargetException e) {
                v = "?";
            }
            fields.add(c.getName() + "=" + value(op, c.getName(), v));
        }
        return fields.toString();
    }

    private static String value(Op op, String field, Object v) {
        if (v instanceof String s) {
            return "\"" + s + "\"";
        }
        if (v instanceof byte[] b) {
            return "<" + b.length + " bytes>";
        }
        if (v instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof String) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            list.forEach(s -> j.add("\"" + s + "\""));
            return j.toString();
        }
        if (op instanceof Op.Mount && field.equals("flags")) {
            return Mounts.flagNames((Long) v);
        }
        if ((op instanceof Op.Clone || op instanceof Op.Unshare) && field.equals("flags")
                || op instanceof Op.SetNs && field.equals("nsType")) {
            return cloneFlagNames(((Number) v).longValue());
        }
        if (field.startsWith("perm")) {
            return "0x" + Integer.toHexString((Integer) v);
        }
        if (field.equals("mode") || field.equals("mask")) {
            return "0" + Integer.toOctalString((Integer) v);
        }
        return String.valueOf(v);
    }

    static String cloneFlagNames(long flags) {
        StringJoiner j = new StringJoiner("|");
        long rest = flags;
        for (int i = 0; i < CLONE_FLAGS.length; i++) {
            if ((flags & CLONE_FLAGS[i]) != 0) {
                j.add(CLONE_NAMES[i]);
                rest &= ~CLONE_FLAGS[i];
            }
        }
        if (rest != 0) {
            j.add("0x" + Long.toHexString(rest));
        }
        return flags == 0 ? "0" : j.toString();
    }
}
