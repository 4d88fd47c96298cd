package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"web", "web-1", "a.b_c+d", "0123456789abcdef", "..a", "a..", "..."})
    void acceptsRuncsAlphabet(String id) throws SpecException {
        assertEquals(id, ContainerId.validate(id));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        a/b        | container id "a/b" contains "/"; use only letters, digits and _ + - .
        ../x       | container id "../x" contains "/"; use only letters, digits and _ + - .
        .          | container id "." is not allowed; choose a name, not a directory reference
        ..         | container id ".." is not allowed; choose a name, not a directory reference
        `a b`      | container id "a b" contains " "; use only letters, digits and _ + - .
        wéb        | container id "wéb" contains "é"; use only letters, digits and _ + - .
        ``         | container id is empty; give an id such as "web-1"
        """)
    void refusesWithOneLine(String id, String message) {
        SpecException e = assertThrows(SpecException.class, () -> ContainerId.validate(id == null ? "" : id));
        assertEquals(message, e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void limitsLengthAndControlCharacters() throws SpecException {
        ContainerId.validate("a".repeat(1024));
        SpecException tooLong = assertThrows(SpecException.class, () -> ContainerId.validate("a".repeat(1025)));
        assertEquals(true, tooLong.getMessage().endsWith("is 1025 characters long; the limit is 1024"), tooLong.getMessage());
        SpecException nl = assertThrows(SpecException.class, () -> ContainerId.validate("a\nb"));
        assertFalse(nl.getMessage().contains("\n"), nl.getMessage());
        assertEquals(true, nl.getMessage().contains("the control character U+000A"), nl.getMessage());
        assertThrows(SpecException.class, () -> ContainerId.validate(null));
    }
}
