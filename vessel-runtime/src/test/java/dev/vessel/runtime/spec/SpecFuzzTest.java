package dev.vessel.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A mutation fuzzer for the spec boundary: random byte-level damage and random structural
 * edits (type swaps, deletions, huge and negative numbers, deep nesting, odd strings) of a
 * realistic config.json are fed to the parser and the validator. Each input must end in a
 * value or a one-line {@link SpecException}: no other exception, no hang. Seeds are fixed so a
 * failure names an input that can be replayed.
 */
class SpecFuzzTest {

    static final int ROUNDS = 3000;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JSON_CHARS = "{}[]\",:0123456789e.tfn\\ -";

    static byte[] base() throws Exception {
        return SpecJson.compact(DefaultSpec.example(true));
    }

    @Test
    void byteMutationsGiveCleanErrors() throws Exception {
        byte[] seed = base();
        Random r = new Random(42);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] b = seed.clone();
            int edits = 1 + r.nextInt(8);
            for (int k = 0; k < edits; k++) {
                int at = r.nextInt(b.length);
                switch (r.nextInt(3)) {
                    case 0 -> b[at] = (byte) r.nextInt(256);
                    case 1 -> b[at] = (byte) JSON_CHARS.charAt(r.nextInt(JSON_CHARS.length()));
                    default -> b = cut(b, at, Math.min(b.length, at + 1 + r.nextInt(20)));
                }
            }
            check(b, "byte round " + i);
        }
    }

    @Test
    void structuralMutationsGiveCleanErrors() throws Exception {
        Random r = new Random(7);
        for (int i = 0; i < ROUNDS; i++) {
            JsonNode doc = JSON.readTree(base());
            int edits = 1 + r.nextInt(5);
            for (int k = 0; k < edits; k++) {
                mutate(doc, r);
            }
            check(JSON.writeValueAsBytes(doc), "structure round " + i);
        }
    }

    @Test
    void deepNestingAndHugeDocumentsDoNotHang() {
        String deep = "{\"ociVersion\":\"1.0.0\",\"annotations\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        check(deep.getBytes(StandardCharsets.UTF_8), "deep nesting");
        StringBuilder many = new StringBuilder("{\"ociVersion\":\"1.0.0\",\"mounts\":[");
        for (int i = 0; i < 20000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"destination\":\"/m").append(i).append("\",\"type\":\"tmpfs\"}");
        }
        check(many.append("]}").toString().getBytes(StandardCharsets.UTF_8), "20000 mounts");
    }

    private static void check(byte[] input, String what) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                Spec s = SpecParser.parse(input, "config.json");
                for (SpecException p : SpecValidator.problems(s)) {
                    assertFalse(p.getMessage().contains("\n"), what + ": multi-line problem " + p.getMessage());
                }
            } catch (SpecException e) {
                assertFalse(e.getMessage().contains("\n"), what + ": multi-line error " + e.getMessage());
            }
        }, what + " hung");
    }

    private static byte[] cut(byte[] b, int from, int to) {
        byte[] out = new byte[b.length - (to - from)];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, to, out, from, b.length - to);
        return out;
    }

    /** Replaces, removes or corrupts one randomly chosen node of the tree. */
    private static void mutate(JsonNode root, Random r) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode parent = containers.get(r.nextInt(containers.size()));
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode[] values = {f.nullNode(), f.textNode(""), f.textNode("../../../etc"), f.numberNode(-1L),
            f.numberNode(Long.MAX_VALUE), f.numberNode(1e308), f.numberNode(-0.5), f.booleanNode(true), f.arrayNode(),
            f.objectNode(), f.textNode("\u0000\uFFFF"), f.textNode("x".repeat(5000)),
            f.numberNode(new java.math.BigInteger("18446744073709551616"))};
        JsonNode value = values[r.nextInt(values.length)];
        if (parent instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            it.forEachRemaining(e -> names.add(e.getKey()));
            String name = names.get(r.nextInt(names.size()));
            if (r.nextInt(4) == 0) {
                o.remove(name);
            } else {
                o.set(name, value);
            }
        } else if (parent instanceof ArrayNode a && a.size() > 0) {
            int i = r.nextInt(a.size());
            if (r.nextInt(4) == 0) {
                a.remove(i);
            } else {
                a.set(i, value);
            }
        }
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.elements().forEachRemaining(c -> collect(c, out));
        }
    }
}
