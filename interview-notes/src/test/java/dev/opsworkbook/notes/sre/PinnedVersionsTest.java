package dev.opsworkbook.notes.sre;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Q41: guardrails from a post-mortem, checked in this repository's own build")
class PinnedVersionsTest {

    static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    static final Path ROOT = MODULE.resolve("..").normalize();

    @Test
    @DisplayName("a POM with a range, LATEST, a foreign SNAPSHOT, an undefined property and a bare plugin has 5 findings")
    void findsUnpinnedVersions() throws Exception {
        List<String> findings = PinnedVersions.check(MODULE.resolve("src/test/resources/sre/unpinned-pom.xml"),
                "com.example");
        assertThat(findings).containsExactlyInAnyOrder(
                "org.postgresql:postgresql: version range [42.0,) is not a pinned version",
                "io.netty:netty-all: LATEST changes whenever the repository does",
                "com.acme:acme-client: 2.1-SNAPSHOT is a moving target",
                "org.slf4j:slf4j-api: ${slf4j.version} names an undefined property",
                "org.apache.maven.plugins:maven-surefire-plugin: plugin without a version (Maven picks one for you)");
    }

    @Test
    @DisplayName("every dependency and plugin version in this repository's root POM is pinned")
    void rootPomIsPinned() throws Exception {
        assertThat(PinnedVersions.check(ROOT.resolve("pom.xml"), "dev.opsworkbook")).isEmpty();
    }

    @Test
    @DisplayName("pre-commit runs checkstyle and shellcheck; CI runs verify, which proves Error Prone still fails a planted bug")
    void theGuardrailsAreInTheBuild() throws Exception {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        assertThat(pom).contains("<artifactId>error_prone_core</artifactId>", "<artifactId>nullaway</artifactId>",
                "<requirePluginVersions/>", "<dependencyConvergence/>");
        assertThat(Files.readString(ROOT.resolve("config/checkstyle.xml")))
                .containsPattern("(?s)name=\"LineLength\".*name=\"max\" value=\"130\"");
        assertThat(Files.readString(ROOT.resolve(".pre-commit-config.yaml")))
                .contains("entry: scripts/hooks/java-format.sh", "entry: shellcheck -x");
        assertThat(Files.readString(ROOT.resolve(".github/workflows/ci.yml"))).contains("run: bash .ci/run");
        assertThat(Files.readString(ROOT.resolve("scripts/verify.sh")))
                .contains("config/static-analysis-probe/pom.xml", "PlantedFinding.java.*\\[FutureReturnValueIgnored\\]");
    }
}
