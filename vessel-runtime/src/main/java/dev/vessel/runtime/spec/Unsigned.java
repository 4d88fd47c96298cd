package dev.vessel.runtime.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigInteger;

/**
 * The spec's unsigned integers (Go's uint32/uint64), which Java does not have. A uint32 is
 * held in a {@code long}; a uint64 in a {@code long} holding the same bits, so 2^64-1
 * (RLIM_INFINITY, a mask of all ones) round-trips as -1L. Negative or too large numbers are
 * rejected here, at parse time, with a message that {@link SpecParser} turns into one line.
 */
final class Unsigned {

    static final long UINT32_MAX = 0xFFFF_FFFFL;
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Unsigned() {}

    /** Message prefix that {@link SpecParser} passes through instead of Jackson's own text. */
    static final String EXPECTED = "expected ";

    private abstract static class Base extends StdDeserializer<Long> implements ContextualDeserializer {
        /** For a primitive {@code long} component, JSON null or absence means 0 (Go's zero value). */
        final boolean primitive;

        Base(boolean primitive) {
            super(Long.class);
            this.primitive = primitive;
        }

        @Override
        public Long getNullValue(DeserializationContext ctxt) {
            return primitive ? 0L : null;
        }

        static boolean isPrimitive(BeanProperty property) {
            return property != null && property.getType().getRawClass() == long.class;
        }
    }

    /** Deserializes a uint32 (0..4294967295) into a {@code long}. */
    static final class Uint32 extends Base {
        Uint32() {
            this(false);
        }

        private Uint32(boolean primitive) {
            super(primitive);
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            return new Uint32(isPrimitive(property));
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                long v = p.getLongValue();
                if (v >= 0 && v <= UINT32_MAX) {
                    return v;
                }
            }
            return (Long) ctxt.reportInputMismatch(this, EXPECTED + "an unsigned integer (0 to 4294967295)");
        }
    }

    /** Deserializes a uint64 (0..2^64-1) into the bits of a {@code long}. */
    static final class Uint64 extends Base {
        Uint64() {
            this(false);
        }

        private Uint64(boolean primitive) {
            super(primitive);
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            return new Uint64(isPrimitive(property));
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                BigInteger v = p.getBigIntegerValue();
                if (v.signum() >= 0 && v.compareTo(UINT64_MAX) <= 0) {
                    return v.longValue();
                }
            }
            return (Long) ctxt.reportInputMismatch(this,
                    EXPECTED + "an unsigned integer (0 to 18446744073709551615)");
        }
    }

    /** Writes a uint64 held in a {@code long} as the unsigned decimal number. */
    static final class Uint64Writer extends StdSerializer<Long> {
        Uint64Writer() {
            super(Long.class);
        }

        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value >= 0) {
                gen.writeNumber(value);
            } else {
                gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
            }
        }
    }
}
