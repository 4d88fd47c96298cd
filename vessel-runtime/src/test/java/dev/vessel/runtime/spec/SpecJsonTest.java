package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SpecJson#quoted}: what log lines and error messages show of a string. */
class SpecJsonTest {
    @Test
    void quotesEscapesAndKeepsPrintableText() {
        assertEquals("\"a \\\"b\\\" c\\\\d\\n\\t\\r\\u0001 é\"", SpecJson.quoted("a \"b\" c\\d\n\t\r\u0001 é"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "quote\" and \\ backslash", "lines\nand\u0000nul\u001f", "ünïcode ✓"})
    void isAJsonStringThatReadsBackAsItself(String s) throws Exception {
        assertEquals(s, new ObjectMapper().readValue(SpecJson.quoted(s), String.class));
    }

    @Test
    void errorMessagesCutLongValues() {
        assertEquals("\"" + "x".repeat(57) + "...\"", SpecParser.quote("x".repeat(100)));
        assertEquals("\"" + "x".repeat(60) + "\"", SpecParser.quote("x".repeat(60)));
    }
}
