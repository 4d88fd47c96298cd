package dev.vessel.runtime.spec;

import static dev.vessel.runtime.spec.MountFlags.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountOptionsTest {

    /** options (space separated) | flags by name | data. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', textBlock = """
        ro ; MS_RDONLY ; ``
        ro rw ; 0 ; ``
        rw ro ; MS_RDONLY ; ``
        nosuid suid ; 0 ; ``
        nosuid strictatime mode=755 size=65536k ; MS_NOSUID|MS_STRICTATIME ; mode=755,size=65536k
        nosuid noexec newinstance ptmxmode=0666 mode=0620 gid=5 ; MS_NOSUID|MS_NOEXEC ; newinstance,ptmxmode=0666,mode=0620,gid=5
        bind ; MS_BIND ; ``
        rbind ; MS_BIND|MS_REC ; ``
        sync ; MS_SYNCHRONOUS ; ``
        sync async ; 0 ; ``
        dirsync ; MS_DIRSYNC ; ``
        remount ; MS_REMOUNT ; ``
        mand ; MS_MANDLOCK ; ``
        mand nomand ; 0 ; ``
        noatime ; MS_NOATIME ; ``
        noatime atime ; 0 ; ``
        nodiratime ; MS_NODIRATIME ; ``
        nodiratime diratime ; 0 ; ``
        relatime ; MS_RELATIME ; ``
        relatime norelatime ; 0 ; ``
        strictatime nostrictatime ; 0 ; ``
        nodev dev ; 0 ; ``
        noexec exec ; 0 ; ``
        nosymfollow ; MS_NOSYMFOLLOW ; ``
        nosymfollow symfollow ; 0 ; ``
        acl ; MS_POSIXACL ; ``
        silent ; MS_SILENT ; ``
        silent loud ; 0 ; ``
        iversion lazytime ; MS_I_VERSION|MS_LAZYTIME ; ``
        defaults ; 0 ; ``
        size=1g nr_inodes=10k ; 0 ; size=1g,nr_inodes=10k
        """)
    void flagsAndData(String options, String flags, String data) {
        MountOptions.Parsed p = MountOptions.parse(Arrays.asList(options.split(" ")));
        assertEquals(flags, MountFlags.describe(p.flags()));
        assertEquals(data == null ? "" : data, p.data());
    }

    @Test
    void nosuidNodevNoexecSetsExactlyThoseFlags() {
        MountOptions.Parsed p = MountOptions.parse(List.of("nosuid", "nodev", "noexec"));
        assertEquals(MS_NOSUID | MS_NODEV | MS_NOEXEC, p.flags());
        assertEquals("MS_NOSUID|MS_NODEV|MS_NOEXEC", MountFlags.describe(p.flags()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
        private ; MS_PRIVATE
        rprivate ; MS_REC|MS_PRIVATE
        shared ; MS_SHARED
        rshared ; MS_REC|MS_SHARED
        slave ; MS_SLAVE
        rslave ; MS_REC|MS_SLAVE
        unbindable ; MS_UNBINDABLE
        runbindable ; MS_REC|MS_UNBINDABLE
        """)
    void propagationIsASeparateStepNotAFlag(String option, String expected) {
        MountOptions.Parsed p = MountOptions.parse(List.of("rbind", option));
        assertEquals(MS_BIND | MS_REC, p.flags());
        assertEquals(1, p.propagation().size());
        assertEquals(expected, MountFlags.describe(p.propagation().getFirst()));
    }

    @Test
    void propagationChangesKeepTheirOrder() {
        MountOptions.Parsed p = MountOptions.parse(List.of("rshared", "private"));
        assertEquals(List.of(MS_SHARED | MS_REC, MS_PRIVATE), p.propagation());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
        rro ; MOUNT_ATTR_RDONLY ; 0
        rrw ; 0 ; MOUNT_ATTR_RDONLY
        rnosuid ; MOUNT_ATTR_NOSUID ; 0
        rsuid ; 0 ; MOUNT_ATTR_NOSUID
        rnodev ; MOUNT_ATTR_NODEV ; 0
        rdev ; 0 ; MOUNT_ATTR_NODEV
        rnoexec ; MOUNT_ATTR_NOEXEC ; 0
        rexec ; 0 ; MOUNT_ATTR_NOEXEC
        rnodiratime ; MOUNT_ATTR_NODIRATIME ; 0
        rdiratime ; 0 ; MOUNT_ATTR_NODIRATIME
        rnoatime ; MOUNT_ATTR_NOATIME ; MOUNT_ATTR__ATIME
        rstrictatime ; MOUNT_ATTR_STRICTATIME ; MOUNT_ATTR__ATIME
        rrelatime ; 0 ; MOUNT_ATTR__ATIME
        rnosymfollow ; MOUNT_ATTR_NOSYMFOLLOW ; 0
        rsymfollow ; 0 ; MOUNT_ATTR_NOSYMFOLLOW
        """)
    void recursiveVariantsBecomeMountSetattrAttributes(String option, String set, String clr) {
        MountOptions.Parsed p = MountOptions.parse(List.of("rbind", option));
        assertEquals(set, MountFlags.describeAttrs(p.attrSet()));
        assertEquals(clr, MountFlags.describeAttrs(p.attrClr()));
        assertEquals(MS_BIND | MS_REC, p.flags(), "recursive options are not mount(2) flags");
        assertTrue(p.hasRecursiveAttrs() || option.equals("rrelatime"));
    }

    @Test
    void laterRecursiveOptionWins() {
        MountOptions.Parsed p = MountOptions.parse(List.of("rro", "rrw"));
        assertEquals(0, p.attrSet());
        assertEquals(MOUNT_ATTR_RDONLY, p.attrClr());
    }

    @Test
    void extensionsAndIdmapAreRecognisedNotPassedToTheKernel() {
        MountOptions.Parsed p = MountOptions.parse(List.of("tmpcopyup", "mode=755"));
        assertTrue(p.tmpcopyup());
        assertEquals("mode=755", p.data());
        assertEquals(MountOptions.IdMap.IDMAP, MountOptions.parse(List.of("bind", "idmap")).idmap());
        assertEquals(MountOptions.IdMap.RIDMAP, MountOptions.parse(List.of("rbind", "ridmap")).idmap());
        assertEquals(MountOptions.IdMap.NONE, MountOptions.parse(null).idmap());
        assertEquals("", MountOptions.parse(List.of("idmap", "tmpcopyup")).data());
    }

    @Test
    void unknownWordsGoToDataAndAreListedForTheValidator() {
        MountOptions.Parsed p = MountOptions.parse(List.of("nosiud", "newinstance", "gid=5"));
        assertEquals(0, p.flags());
        assertEquals("nosiud,newinstance,gid=5", p.data());
        assertEquals(List.of("nosiud", "newinstance"), p.unrecognised());
    }

    @Test
    void readonlyBindRemountNeedsTheClearedFlagsToo() {
        MountOptions.Parsed p = MountOptions.parse(List.of("rbind", "rw", "nosuid", "suid", "nodev"));
        assertFalse(p.readonly());
        assertEquals(MS_RDONLY | MS_NOSUID, p.cleared());
        assertEquals(MS_BIND | MS_REC | MS_NODEV, p.flags());
        assertTrue(p.bind());
        assertTrue(p.recursive());
    }

    @Test
    void everyOptionRuncKnowsIsKnownHere() throws Exception {
        var runc = SpecJson.MAPPER.readTree(SpecParserTest.resource("runc-1.1-features.json")).get("mountOptions");
        for (var o : runc) {
            assertTrue(MountOptions.isKnown(o.asText()), o.asText());
        }
        assertTrue(MountOptions.known().containsAll(List.of("idmap", "ridmap")));
    }

    @Test
    void flagNamesForErrorMessages() {
        assertEquals("MS_NOSUID|MS_BIND|MS_REC", MountFlags.describe(MS_BIND | MS_REC | MS_NOSUID));
        assertEquals("0", MountFlags.describe(0));
        assertEquals("MS_RDONLY|0x400000000", MountFlags.describe(MS_RDONLY | (1L << 34)));
        assertEquals("MOUNT_ATTR_RDONLY|MOUNT_ATTR_IDMAP", MountFlags.describeAttrs(MOUNT_ATTR_RDONLY | MOUNT_ATTR_IDMAP));
    }
}
