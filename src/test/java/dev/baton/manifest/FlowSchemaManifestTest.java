package dev.baton.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ResourcePolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The optional FlowSchema (issue 19), without an API server: it parses into the fabric8 model, puts only Baton's
 * ServiceAccount's Lease requests in the 'leader-election' priority level, ahead of the catch-all
 * 'service-accounts' schema, asks for no verb the Role does not grant, and stays out of the default manifests.
 */
class FlowSchemaManifestTest {

    static final Path FILE = Path.of("src/main/kubernetes/flow-control/flowschema.yml");

    @Test
    void batonsLeaseRequestsGoToTheLeaderElectionLevel() throws Exception {
        FlowSchema schema = new KubernetesSerialization().unmarshal(Files.readString(FILE), FlowSchema.class);

        assertEquals("leader-election", schema.getSpec().getPriorityLevelConfiguration().getName());
        int precedence = schema.getSpec().getMatchingPrecedence();
        assertTrue(precedence > 200 && precedence < 9000, "after the control plane's schemas, before "
                + "'service-accounts': " + precedence);
        List<PolicyRulesWithSubjects> rules = schema.getSpec().getRules();
        assertEquals(1, rules.size());
        assertEquals(1, rules.get(0).getSubjects().size());
        assertEquals("ServiceAccount", rules.get(0).getSubjects().get(0).getKind());
        assertEquals("baton", rules.get(0).getSubjects().get(0).getServiceAccount().getName());
        assertTrue(rules.get(0).getNonResourceRules() == null || rules.get(0).getNonResourceRules().isEmpty());
        for (ResourcePolicyRule r : rules.get(0).getResourceRules()) {
            assertEquals(List.of("coordination.k8s.io"), r.getApiGroups());
            assertEquals(List.of("leases"), r.getResources());
            assertTrue(List.of("get", "create", "update").containsAll(r.getVerbs()), "verbs " + r.getVerbs());
            assertFalse(r.getClusterScope() != null && r.getClusterScope(), "namespaced Leases only");
            assertEquals(List.of(rules.get(0).getSubjects().get(0).getServiceAccount().getNamespace()),
                    r.getNamespaces(), "the ServiceAccount's namespace");
        }
    }

    @Test
    void itIsOffByDefault() throws Exception {
        // Quarkus merges src/main/kubernetes/kubernetes.yml (and <target>.yml) into what it generates, never a
        // subdirectory: the FlowSchema is applied by hand or not at all.
        assertFalse(Files.readString(Path.of("src/main/kubernetes/kubernetes.yml")).contains("FlowSchema"));
        assertFalse(Files.exists(Path.of("src/main/kubernetes/flowschema.yml")));
    }
}
