// Rewrites the pre-Java-6 class files of a jar as Java 8 class files, in place.
//
// Why: the JDK's AOT cache (-XX:AOTCache, which the launcher uses to start the CLI quickly)
// refuses to archive classes older than version 50 ("Old class has been linked"), and picocli
// ships Java 5 (49) class files. Every CLI call then loads and reflects on picocli from the
// jar: about 0.1 s of a 0.4 s `vessel-runtime run`. Version 50+ needs a StackMapTable for the
// verifier; the JDK's ClassFile API generates one when it rebuilds a method's code. The
// bytecode itself is unchanged, and the JVM verifies every rewritten class when it loads it.
//
// Usage (JDK 25, source-file mode): java scripts/ClassfileUpgrade.java JAR...
// A jar without such class files is left untouched, so running it twice is harmless.

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

public class ClassfileUpgrade {

    static final int TARGET = 52; // Java 8: what the JDK's own tools still read everywhere

    public static void main(String[] jars) throws IOException {
        for (String jar : jars) {
            upgrade(Path.of(jar));
        }
    }

    static void upgrade(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Manifest manifest;
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            manifest = in.getManifest();
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        // Stack map frames name the common supertypes of values; the jar's own classes are
        // resolved from the jar, the JDK's from the running JDK.
        ClassHierarchyResolver fromJar = ClassHierarchyResolver.ofResourceParsing(desc -> {
            String s = desc.descriptorString();
            byte[] b = entries.get(s.substring(1, s.length() - 1) + ".class");
            return b == null ? null : new ByteArrayInputStream(b);
        });
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                fromJar.orElse(ClassHierarchyResolver.defaultResolver())));
        ClassTransform rebuild = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen(ClassTransform.endHandler(b -> b.withVersion(TARGET, 0)));
        int rewritten = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (e.getKey().endsWith(".class") && majorVersion(e.getValue()) < 50) {
                e.setValue(cf.transformClass(cf.parse(e.getValue()), rebuild));
                rewritten++;
            }
        }
        if (rewritten == 0) {
            return;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (JarOutputStream out = manifest == null ? new JarOutputStream(Files.newOutputStream(tmp))
                : new JarOutputStream(Files.newOutputStream(tmp), manifest)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.err.println("vessel: " + jar.getFileName() + ": " + rewritten + " class files rewritten as version " + TARGET + " for the AOT cache");
    }

    static int majorVersion(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }
}
