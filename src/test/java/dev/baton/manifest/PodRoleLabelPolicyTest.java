package dev.baton.manifest;

import static dev.baton.manifest.AdmissionPolicyEvaluator.Verdict.ADMITTED;
import static dev.baton.manifest.AdmissionPolicyEvaluator.Verdict.DENIED;
import static dev.baton.manifest.AdmissionPolicyEvaluator.Verdict.NOT_MATCHED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.baton.manifest.AdmissionPolicyEvaluator.Decision;
import dev.baton.observability.PodRoleLabeler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The optional admission policy of the pod-role-label build, without an API server: the file parses into the fabric8
 * model, its expressions compile, and evaluated on the requests that matter it admits exactly the labeller's own
 * patch. The two findings of the RBAC review (another pod's image replaced; another pod labelled into the leader
 * Service) are among the refused requests.
 */
class PodRoleLabelPolicyTest {

    static final String NAMESPACE = "shop";
    static final String BATON = "system:serviceaccount:" + NAMESPACE + ":baton";
    static final String OWN_POD = "baton-7d8f9b6c4d-abc12";
    static final String OTHER_POD = "payments-5f6b7c8d9e-xyz98";

    static AdmissionPolicyEvaluator policy;

    @BeforeAll
    static void load() throws Exception {
        policy = AdmissionPolicyEvaluator.load(); // fails here if the file does not parse or an expression does not compile
    }

    @Test
    void thePolicyIsBoundToDenyAndWatchesPodUpdates() {
        assertEquals(policy.policy.getMetadata().getName(), policy.binding.getSpec().getPolicyName());
        assertEquals(List.of("Deny"), policy.binding.getSpec().getValidationActions());
        assertEquals("Fail", policy.policy.getSpec().getFailurePolicy());
        List<NamedRuleWithOperations> rules = policy.policy.getSpec().getMatchConstraints().getResourceRules();
        assertEquals(1, rules.size());
        assertEquals(List.of(""), rules.get(0).getApiGroups());
        assertEquals(List.of("pods"), rules.get(0).getResources());
        assertEquals(List.of("UPDATE"), rules.get(0).getOperations());
    }

    @Test
    void theLabellersOwnPatchIsAdmitted() throws Exception {
        Pod standby = pod(OWN_POD, Map.of("app.kubernetes.io/name", "baton", "role", "standby"), "baton:dev");
        assertEquals(ADMITTED, decide(BATON, OWN_POD, standby, patched(standby, PodRoleLabeler.rolePatch("leader"))).verdict());
        Pod unlabelled = pod(OWN_POD, Map.of("app.kubernetes.io/name", "baton"), "baton:dev");
        assertEquals(ADMITTED, decide(BATON, OWN_POD, unlabelled, patched(unlabelled, PodRoleLabeler.rolePatch("standby")))
                .verdict(), "the first label of a new pod");
    }

    @Test
    void anotherPodsImageIsNotReplaced() throws Exception {
        // kubectl patch pod <unrelated pod> -p '{"spec":{"containers":[{"name":"app","image":"another/image"}]}}'
        Pod other = pod(OTHER_POD, Map.of("app", "payments"), "payments:1.4");
        Decision d = decide(BATON, OWN_POD, other, pod(OTHER_POD, Map.of("app", "payments"), "another/image"));
        assertEquals(DENIED, d.verdict());
        assertEquals(List.of("baton may label only its own pod (the pod its token is bound to)",
                "baton may not change a pod's spec (e.g. a container image)",
                "baton sets the 'role' label to leader or standby only"), d.failed());
    }

    @Test
    void anotherPodIsNotLabelledIntoTheLeaderService() throws Exception {
        // kubectl label pod <unrelated pod> role=leader app.kubernetes.io/name=baton --overwrite
        Pod other = pod(OTHER_POD, Map.of("app", "payments"), "payments:1.4");
        Pod relabelled = pod(OTHER_POD, Map.of("app", "payments", "role", "leader", "app.kubernetes.io/name", "baton"),
                "payments:1.4");
        Decision d = decide(BATON, OWN_POD, other, relabelled);
        assertEquals(DENIED, d.verdict());
        assertEquals(List.of("baton may label only its own pod (the pod its token is bound to)",
                "baton may change no label of a pod but 'role'"), d.failed());
        // Even the role label alone, on another pod.
        assertEquals(DENIED, decide(BATON, OWN_POD, other, patched(other, PodRoleLabeler.rolePatch("leader"))).verdict());
    }

    @Test
    void itsOwnPodChangesInNothingButTheRoleLabel() throws Exception {
        Pod own = pod(OWN_POD, Map.of("app.kubernetes.io/name", "baton", "role", "standby"), "baton:dev");
        assertEquals(DENIED, decide(BATON, OWN_POD, own, pod(OWN_POD, own.getMetadata().getLabels(), "evil:latest"))
                .verdict(), "its own image");
        assertEquals(DENIED, decide(BATON, OWN_POD, own,
                pod(OWN_POD, Map.of("app.kubernetes.io/name", "other", "role", "leader"), "baton:dev")).verdict(),
                "another label of its own pod");
        assertEquals(DENIED, decide(BATON, OWN_POD, own, pod(OWN_POD, Map.of("role", "leader"), "baton:dev")).verdict(),
                "a label removed");
        assertEquals(DENIED, decide(BATON, OWN_POD, own, patched(own, PodRoleLabeler.rolePatch("admin"))).verdict(),
                "a role that is neither leader nor standby");
        assertEquals(DENIED, decide(BATON, OWN_POD, own, patched(own, "{\"metadata\":{\"labels\":{\"role\":null}}}"))
                .verdict(), "the role label removed");
        assertEquals(DENIED, decide(BATON, OWN_POD, own,
                patched(own, "{\"metadata\":{\"annotations\":{\"team\":\"x\"}}}")).verdict(), "an annotation");
        assertEquals(DENIED, decide(BATON, OWN_POD, own,
                patched(own, "{\"metadata\":{\"finalizers\":[\"example.com/keep\"]}}")).verdict(), "a finalizer");
    }

    @Test
    void aTokenBoundToNoPodIsRefused() throws Exception {
        Pod own = pod(OWN_POD, Map.of("role", "standby"), "baton:dev");
        Decision d = decide(BATON, null, own, patched(own, PodRoleLabeler.rolePatch("leader")));
        assertEquals(DENIED, d.verdict());
        assertEquals(List.of("baton may label only its own pod (the pod its token is bound to)"), d.failed());
    }

    @Test
    void otherUsersAreNotThisPolicysBusiness() throws Exception {
        Pod other = pod(OTHER_POD, Map.of("app", "payments"), "payments:1.4");
        Pod newImage = pod(OTHER_POD, Map.of("app", "payments"), "payments:1.5");
        assertEquals(NOT_MATCHED, decide("system:serviceaccount:" + NAMESPACE + ":payments-deployer", null, other,
                newImage).verdict());
        assertEquals(NOT_MATCHED, decide("jane@example.com", null, other, newImage).verdict());
        assertEquals(NOT_MATCHED, decide("system:serviceaccount:" + NAMESPACE + ":baton-other", OWN_POD, other,
                newImage).verdict(), "a name that merely starts like it");
    }

    /** The ServiceAccount it names, for GeneratedManifestIT to compare with the generated one. */
    static boolean matchesServiceAccount(AdmissionPolicyEvaluator policy, String namespace, String serviceAccount)
            throws Exception {
        Pod pod = pod(OWN_POD, Map.of("role", "standby"), "baton:dev");
        pod.getMetadata().setNamespace(namespace);
        return policy.decide("system:serviceaccount:" + namespace + ":" + serviceAccount, OWN_POD, pod, pod)
                .verdict() != NOT_MATCHED;
    }

    private static Decision decide(String user, String tokenPod, Pod before, Pod after) throws Exception {
        return policy.decide(user, tokenPod, before, after);
    }

    static Pod pod(String name, Map<String, String> labels, String image) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).withUid("uid-" + name)
                .withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec()
                .build();
    }

    /** {@code pod} with a JSON merge patch (RFC 7386) applied, as the API server applies one. */
    @SuppressWarnings("unchecked")
    static Pod patched(Pod pod, String mergePatch) throws Exception {
        KubernetesSerialization serialization = new KubernetesSerialization();
        Map<String, Object> target = serialization.convertValue(pod, Map.class);
        Map<String, Object> patch = new ObjectMapper().readValue(mergePatch, Map.class);
        return serialization.convertValue(merge(target, patch), Pod.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> target, Map<String, Object> patch) {
        Map<String, Object> result = new LinkedHashMap<>(target);
        patch.forEach((key, value) -> {
            if (value == null) {
                result.remove(key);
            } else if (value instanceof Map<?, ?> nested && result.get(key) instanceof Map<?, ?> existing) {
                result.put(key, merge((Map<String, Object>) existing, (Map<String, Object>) nested));
            } else {
                result.put(key, value);
            }
        });
        return result;
    }
}
