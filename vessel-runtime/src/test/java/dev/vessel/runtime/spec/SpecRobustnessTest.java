package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every field of a realistic config replaced, one at a time, by null and by values of every
 * other JSON type: the parser and the validator must answer with one-line SpecExceptions (or
 * accept), never with a NullPointerException or a Jackson message.
 */
class SpecRobustnessTest {

    private static final List<String> REPLACEMENTS = List.of("null", "\"x\"", "-1", "1.5", "true", "[]", "{}", "[null]");

    @Test
    void everyFieldReplacedByEveryJsonTypeGivesOneLineErrorsOnly() throws Exception {
        JsonNode original = SpecJson.MAPPER.readTree(SpecParserTest.resource("full-config.json"));
        List<String> pointers = new ArrayList<>();
        collect(original, "", pointers);
        int cases = 0;
        for (String pointer : pointers) {
            for (String replacement : REPLACEMENTS) {
                ObjectNode doc = (ObjectNode) original.deepCopy();
                SpecValidatorTest.set(doc, pointer, replacement);
                byte[] json = SpecJson.MAPPER.writeValueAsBytes(doc);
                try {
                    Spec spec = SpecParser.parse(json, "config.json");
                    for (SpecException e : SpecValidator.problems(spec)) {
                        check(pointer, replacement, e);
                    }
                } catch (SpecException e) {
                    check(pointer, replacement, e);
                } catch (RuntimeException e) {
                    fail(pointer + " = " + replacement + " crashed the spec boundary", e);
                }
                cases++;
            }
        }
        assertFalse(cases < 500, "only " + cases + " cases");
    }

    private static void check(String pointer, String replacement, SpecException e) {
        String m = e.getMessage();
        if (m.contains("\n") || m.contains("dev.vessel") || m.contains("com.fasterxml") || m.contains("java.")) {
            fail(pointer + " = " + replacement + ": not a clean one-line message: " + m);
        }
    }

    private static void collect(JsonNode node, String pointer, List<String> out) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                out.add(child);
                collect(e.getValue(), child, out);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(pointer + "/" + i);
                collect(a.get(i), pointer + "/" + i, out);
            }
        }
    }
}
