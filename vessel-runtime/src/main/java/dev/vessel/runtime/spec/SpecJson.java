package dev.vessel.runtime.spec;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON mapper for spec documents, configured to read as strictly as Go's encoding/json
 * does in runc: no coercion of "123" into a number or 5 into a string, no 1.5 into an
 * integer, nothing after the document. Unknown fields are ignored, as the spec requires.
 * Output is indented with tabs like {@code runc spec}.
 */
public final class SpecJson {

    static final ObjectMapper MAPPER = newMapper();

    private static final ObjectWriter PRETTY = MAPPER.writer(goStylePrinter());

    private SpecJson() {}

    private static ObjectMapper newMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // Go's encoding/json matches field names case-insensitively, so runc reads
                // "Args" as "args"; a drop-in must not silently drop such a field.
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                // Go reads null in a list or map as the zero value; no one writes it on purpose,
                // and a null element would reach every consumer. Refuse it here, with its path.
                .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
                .build();
        // Go refuses a number or boolean where a string belongs; Jackson would stringify it.
        for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    /** Tabs, "key": value, one array element per line: the layout of Go's json.MarshalIndent. */
    private static DefaultPrettyPrinter goStylePrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter tabs = new DefaultIndenter("\t", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
        printer.indentObjectsWith(tabs);
        printer.indentArraysWith(tabs);
        return printer;
    }

    /** Indented JSON, as {@code runc spec} and {@code runc state} print it. */
    public static String pretty(Object document) {
        try {
            return PRETTY.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            // Only our own records are written; failing here is a bug, not bad input.
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a document Vessel wrote itself (state.json), with the same mapper, so that one
     * CLI call introspects each record type once.
     */
    public static <T> T read(byte[] json, Class<T> type) throws java.io.IOException {
        return MAPPER.readValue(json, type);
    }

    /** Compact JSON bytes, e.g. the state written to a hook's stdin. */
    public static byte[] compact(Object document) {
        try {
            return MAPPER.writeValueAsString(document).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code s} as a JSON string literal, quotes included: for log lines and for values shown in error messages. */
    public static String quoted(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }
}
