package dev.vessel.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Linux;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsernsModeTest {

    private static String error(String userns, List<String> uidmap, List<String> gidmap) {
        String m = assertThrows(RuntimeError.class, () -> UsernsMode.parse(userns, uidmap, gidmap)).getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }

    @Test
    void hostIsTheDefault() {
        assertEquals(new UsernsMode.Host(), UsernsMode.parse(null, List.of(), List.of()));
        assertEquals(new UsernsMode.Host(), UsernsMode.parse("host", List.of(), List.of()));
    }

    @Test
    void autoTakesAnOptionalSize() {
        assertEquals(new UsernsMode.Auto(65536), UsernsMode.parse("auto", List.of(), List.of()));
        assertEquals(new UsernsMode.Auto(1000), UsernsMode.parse("auto:size=1000", List.of(), List.of()));
        assertEquals(new UsernsMode.Auto(1), UsernsMode.parse("auto:size=1", List.of(), List.of()));
    }

    @Test
    void badUsernsValuesNameTheOptionValueAndForm() {
        assertEquals("--userns \"private\": use host, auto or auto:size=N (e.g. auto:size=65536)", error("private", List.of(), List.of()));
        assertEquals("--userns \"auto:\": use host, auto or auto:size=N (e.g. auto:size=65536)", error("auto:", List.of(), List.of()));
        for (String bad : List.of("auto:size=0", "auto:size=-5", "auto:size=", "auto:size=1e3", "auto:size=99999999999",
                "auto:size=4294967296")) {
            assertEquals("--userns \"" + bad + "\": the size must be a number from 1 to 4294967295 (e.g. auto:size=65536)",
                    error(bad, List.of(), List.of()));
        }
    }

    @Test
    void mapsAreParsedAndOneSideServesBoth() {
        UsernsMode m = UsernsMode.parse(null, List.of("0:100000:1000", "1000:200000:10"), List.of());
        List<Linux.IdMapping> expected = List.of(new Linux.IdMapping(0, 100000, 1000), new Linux.IdMapping(1000, 200000, 10));
        assertEquals(new UsernsMode.Given(new ContainerIdMaps(expected, expected)), m);
        UsernsMode g = UsernsMode.parse(null, List.of(), List.of("0:5000:1"));
        assertEquals(List.of(new Linux.IdMapping(0, 5000, 1)), ((UsernsMode.Given) g).maps().uids());
        UsernsMode both = UsernsMode.parse(null, List.of("0:5000:1"), List.of("0:6000:2"));
        assertEquals(List.of(new Linux.IdMapping(0, 6000, 2)), ((UsernsMode.Given) both).maps().gids());
    }

    @Test
    void badMapsNameTheOptionValueAndForm() {
        for (String bad : List.of("0:100000", "0:100000:0", "a:b:c", "-1:100000:10", "0:100000:10:5", "", "0::1", " 0:1:1")) {
            assertEquals("--uidmap \"" + bad + "\": use CONTAINER:HOST:SIZE (e.g. 0:100000:65536), with SIZE at least 1",
                    error(null, List.of(bad), List.of()));
        }
        assertEquals("--gidmap \"0:4294967290:10\": the range ends beyond id 4294967294; make SIZE smaller",
                error(null, List.of(), List.of("0:4294967290:10")));
        assertEquals("--uidmap \"10:300000:5\": overlaps --uidmap \"0:100000:100\"; the kernel refuses overlapping ranges",
                error(null, List.of("0:100000:100", "10:300000:5"), List.of()));
        assertEquals("--uidmap \"200:100050:5\": overlaps --uidmap \"0:100000:100\"; the kernel refuses overlapping ranges",
                error(null, List.of("0:100000:100", "200:100050:5"), List.of()));
        assertEquals(2, ((UsernsMode.Given) UsernsMode.parse(null, List.of("0:100000:100", "100:100100:5"), List.of()))
                .maps().uids().size(), "adjacent ranges do not overlap");
    }

    @Test
    void usernsAndMapsExcludeEachOther() {
        assertEquals("--userns \"auto\": cannot be combined with --uidmap/--gidmap, which make a user namespace of their own;"
                + " give one or the other", error("auto", List.of("0:1:1"), List.of()));
        error("host", List.of(), List.of("0:1:1"));
    }

    @Test
    void theRootOfAMappingIsWhereContainerIdZeroGoes() {
        var maps = new ContainerIdMaps(List.of(new Linux.IdMapping(1, 500, 10), new Linux.IdMapping(0, 700, 1)),
                List.of(new Linux.IdMapping(0, 800, 5)));
        assertEquals(700, maps.hostRootUid());
        assertEquals(800, maps.hostRootGid());
        assertEquals(0, new ContainerIdMaps(List.of(new Linux.IdMapping(1, 500, 10)), List.of()).hostRootUid(),
                "container root unmapped: the upper stays host root's");
    }

    @Test
    void aProcessUserOutsideTheMapIsRefusedByName() {
        var maps = new ContainerIdMaps(List.of(new Linux.IdMapping(0, 100000, 100)), List.of(new Linux.IdMapping(0, 100000, 100),
                new Linux.IdMapping(1000, 200000, 1)));
        maps.checkUser(99, 1000, "--user \"99:1000\"");
        ContainerIdMaps.HOST.checkUser(70000, 70000, "host ids are all there");
        assertEquals("--user \"1000\": uid 1000 is not mapped in the container's user namespace (uids mapped: 0-99); map it with"
                + " a larger --userns=auto:size=N or with --uidmap/--gidmap, or run as a mapped id",
                assertThrows(RuntimeError.class, () -> maps.checkUser(1000, 0, "--user \"1000\"")).getMessage());
        assertEquals("image \"x\" user: gid 100 is not mapped in the container's user namespace (gids mapped: 0-99, 1000-1000);"
                + " map it with a larger --userns=auto:size=N or with --uidmap/--gidmap, or run as a mapped id",
                assertThrows(RuntimeError.class, () -> maps.checkUser(0, 100, "image \"x\" user")).getMessage());
    }
}
