package dev.opsworkbook.notes.sre;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Q41: a guardrail from a post-mortem, as code: every dependency and plugin in a POM has an exact version.
 * A version range, {@code LATEST}/{@code RELEASE}, someone else's SNAPSHOT or a plugin without a version lets
 * the build change under you with no commit; this check fails the build instead.
 */
final class PinnedVersions {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private PinnedVersions() {
    }

    // @start region=check
    /** The findings for one POM; empty when everything is pinned. {@code ownGroupId} may use SNAPSHOTs. */
    static List<String> check(Path pom, String ownGroupId) throws IOException {
        Document doc = parse(pom);
        Map<String, String> properties = properties(doc);
        List<String> findings = new ArrayList<>();
        for (String tag : List.of("dependency", "plugin")) {
            NodeList nodes = doc.getElementsByTagName(tag);
            for (int i = 0; i < nodes.getLength(); i++) {
                Element e = (Element) nodes.item(i);
                String groupId = text(e, "groupId", tag.equals("plugin") ? "org.apache.maven.plugins" : "");
                String id = groupId + ":" + text(e, "artifactId", "?");
                String raw = text(e, "version", "");
                String version = resolve(raw, properties);
                if (raw.isEmpty()) {
                    if (tag.equals("plugin") && !managed(e)) {
                        findings.add(id + ": plugin without a version (Maven picks one for you)");
                    }
                } else if (version.startsWith("[") || version.startsWith("(")) {
                    findings.add(id + ": version range " + version + " is not a pinned version");
                } else if (version.equals("LATEST") || version.equals("RELEASE")) {
                    findings.add(id + ": " + version + " changes whenever the repository does");
                } else if (version.endsWith("-SNAPSHOT") && !groupId.equals(ownGroupId)) {
                    findings.add(id + ": " + version + " is a moving target");
                } else if (version.contains("${")) {
                    findings.add(id + ": " + raw + " names an undefined property");
                }
            }
        }
        return findings;
    }
    // @end region=check

    /** A plugin under {@code <plugins>} of a POM whose {@code <pluginManagement>} gives its version elsewhere. */
    private static boolean managed(Element plugin) {
        Node parent = plugin.getParentNode();
        Node grand = parent == null ? null : parent.getParentNode();
        if (grand == null || grand.getNodeName().equals("pluginManagement")) {
            return false;
        }
        String artifactId = text(plugin, "artifactId", "?");
        NodeList managedPlugins = plugin.getOwnerDocument().getElementsByTagName("pluginManagement");
        for (int i = 0; i < managedPlugins.getLength(); i++) {
            NodeList ps = ((Element) managedPlugins.item(i)).getElementsByTagName("plugin");
            for (int j = 0; j < ps.getLength(); j++) {
                Element p = (Element) ps.item(j);
                if (text(p, "artifactId", "").equals(artifactId) && !text(p, "version", "").isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String resolve(String value, Map<String, String> properties) {
        String out = value;
        for (int i = 0; i < 10 && out.contains("${"); i++) {   // properties may refer to properties
            Matcher m = PROPERTY.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(properties.getOrDefault(m.group(1), m.group())));
            }
            m.appendTail(sb);
            if (sb.toString().equals(out)) {
                break;
            }
            out = sb.toString();
        }
        return out;
    }

    private static Map<String, String> properties(Document doc) {
        Map<String, String> props = new HashMap<>();
        Element project = doc.getDocumentElement();
        props.put("project.version", text(project, "version", ""));
        NodeList list = project.getElementsByTagName("properties");
        for (int i = 0; i < list.getLength(); i++) {
            for (Node n = list.item(i).getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element p) {
                    props.put(p.getTagName(), p.getTextContent().strip());
                }
            }
        }
        return props;
    }

    /** The text of a direct child element, or {@code fallback}. */
    private static String text(Element parent, String child, String fallback) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(child)) {
                return e.getTextContent().strip();
            }
        }
        return fallback;
    }

    private static Document parse(Path pom) throws IOException {
        try (InputStream in = Files.newInputStream(pom)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // no XXE
            return factory.newDocumentBuilder().parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(pom + " is not a readable POM: " + e.getMessage(), e);
        }
    }
}
