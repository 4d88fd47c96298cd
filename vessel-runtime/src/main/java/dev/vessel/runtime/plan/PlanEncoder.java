package dev.vessel.runtime.plan;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The launch plan's wire encoding, mirroring the protocol comment and the OPS table at the top
 * of {@code vessel-init.c}: frames of u32 type, u32 length, payload, little-endian.
 *
 * <p>An op's fields are written in the order of its record components, each by its Java type
 * (int u32, long u64, boolean u32, String, List of String, List of Integer, byte[]); the C
 * table lists the same order as field codes, and {@code PlanEncoderTest} checks the two agree.
 */
final class PlanEncoder {

    static final int MAGIC = 0x504c5356, VERSION = 1;
    static final int MSG_HEADER = 0x100, MSG_GO = 0x101, MSG_RESUME = 0x103;
    static final int MSG_PID = 0x200, MSG_READY = 0x201, MSG_EXECED = 0x202, MSG_ERROR = 0x203, MSG_EXIT = 0x204,
            MSG_LISTENER = 0x205, MSG_HOOKS = 0x206;

    private PlanEncoder() {}

    /** The op's code in the OPS table of vessel-init.c. */
    static int code(Op op) {
        return switch (op) {
            case Op.SetNs _ -> 1;
            case Op.RecordExit _ -> 35;
            case Op.Unshare _ -> 2;
            case Op.Clone _ -> 3;
            case Op.SetSid _ -> 4;
            case Op.BecomeRoot _ -> 5;
            case Op.SetHostname _ -> 6;
            case Op.SetDomainname _ -> 7;
            case Op.Mount _ -> 8;
            case Op.MkdirAll _ -> 9;
            case Op.MkFile _ -> 10;
            case Op.Mknod _ -> 11;
            case Op.Symlink _ -> 12;
            case Op.PivotRoot _ -> 13;
            case Op.Chroot _ -> 14;
            case Op.MaskPath _ -> 15;
            case Op.ReadonlyPath _ -> 16;
            case Op.WriteFile _ -> 17;
            case Op.SetRlimit _ -> 18;
            case Op.Chdir _ -> 19;
            case Op.Umask _ -> 20;
            case Op.CapBounding _ -> 21;
            case Op.SetGroups _ -> 22;
            case Op.SetGid _ -> 23;
            case Op.SetUid _ -> 24;
            case Op.Caps _ -> 25;
            case Op.NoNewPrivs _ -> 26;
            case Op.Seccomp _ -> 27;
            case Op.CloseFds _ -> 28;
            case Op.CheckExec _ -> 29;
            case Op.WaitStart _ -> 30;
            case Op.Exec _ -> 31;
            case Op.Console _ -> 32;
            case Op.JoinSessionKeyring _ -> 33;
            case Op.SyncHooks _ -> 34;
        };
    }

    /** The field codes of an op type, as in vessel-init.c's OPS table ("sbsssqs" for Mount). */
    static String fieldCodes(Class<? extends Op> type) {
        StringBuilder b = new StringBuilder();
        for (RecordComponent c : type.getRecordComponents()) {
            b.append(fieldCode(c));
        }
        return b.toString();
    }

    static byte[] encode(LaunchPlan plan) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Payload header = new Payload();
        header.u32(MAGIC).u32(VERSION).u32(plan.mode().code).u32(plan.steps().size());
        frame(out, MSG_HEADER, header);
        for (LaunchPlan.Step step : plan.steps()) {
            frame(out, code(step.op()), fields(step.op(), step.label()));
        }
        return out.toByteArray();
    }

    /** An empty frame (GO, RESUME). */
    static byte[] frame(int type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, type, new Payload());
        return out.toByteArray();
    }

    private static void frame(ByteArrayOutputStream out, int type, Payload payload) {
        byte[] body = payload.out.toByteArray();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(body.length).array());
        out.writeBytes(body);
    }

    private static Payload fields(Op op, String label) {
        Payload p = new Payload();
        for (RecordComponent c : op.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(op);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + op, e);
            }
            if (value == null) {
                throw new IllegalArgumentException(label + ": " + op.getClass().getSimpleName() + "."
                        + c.getName() + " is null; the plan needs a value (use \"\" for none)");
            }
            switch (fieldCode(c)) {
                case 'u', 'b' -> p.u32(value instanceof Boolean bool ? (bool ? 1 : 0) : (Integer) value);
                case 'q' -> p.u64((Long) value);
                case 's' -> p.str((String) value, label, c.getName());
                case 'L' -> {
                    List<?> list = (List<?>) value;
                    p.u32(list.size());
                    for (Object s : list) {
                        p.str((String) s, label, c.getName());
                    }
                }
                case 'I' -> {
                    List<?> list = (List<?>) value;
                    p.u32(list.size());
                    for (Object i : list) {
                        p.u32((Integer) i);
                    }
                }
                case 'B' -> {
                    byte[] bytes = (byte[]) value;
                    p.u32(bytes.length);
                    p.out.writeBytes(bytes);
                }
                default -> throw new IllegalStateException("no field code for " + c);
            }
        }
        return p;
    }

    private static char fieldCode(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == int.class) {
            return 'u';
        } else if (t == long.class) {
            return 'q';
        } else if (t == boolean.class) {
            return 'b';
        } else if (t == String.class) {
            return 's';
        } else if (t == byte[].class) {
            return 'B';
        } else if (t == List.class) {
            Type arg = ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
            if (arg == String.class) {
                return 'L';
            }
            if (arg == Integer.class) {
                return 'I';
            }
        }
        throw new IllegalStateException("Op field " + c + " has a type the plan cannot carry");
    }

    private static final class Payload {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Payload u32(int v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
            return this;
        }

        Payload u64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        void str(String s, String label, String field) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(label + ": " + field + " \"" + s.replace("\0", "\\0")
                        + "\" contains a NUL byte, which no Linux path or argument can hold; remove it");
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            out.writeBytes(b);
        }
    }
}
