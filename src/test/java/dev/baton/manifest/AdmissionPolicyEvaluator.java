package dev.baton.manifest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime.Program;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The shipped {@code ValidatingAdmissionPolicy} (src/main/kubernetes/pod-role-label/admission-policy.yml), parsed into
 * the fabric8 model, its CEL expressions compiled, and evaluated here as the API server would for one request: match
 * conditions first (all true, or the policy does not apply), then the variables, then every validation.
 * <p>
 * What this cannot show: the API server type-checks the expressions against the Pod and AdmissionRequest schemas;
 * here {@code object}, {@code oldObject} and {@code request} are untyped (CEL {@code dyn}) JSON-shaped values, so an
 * expression naming a field the schema lacks compiles here and fails only on a real server.
 */
final class AdmissionPolicyEvaluator {

    static final Path FILE = Path.of("src", "main", "kubernetes", "pod-role-label", "admission-policy.yml");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** The API server's verdict on one request. */
    enum Verdict {
        /** A match condition was false: the policy says nothing about this request. */
        NOT_MATCHED,
        ADMITTED,
        DENIED
    }

    /** A verdict, and the messages of the validations that failed. */
    record Decision(Verdict verdict, List<String> failed) {
    }

    final ValidatingAdmissionPolicy policy;
    final ValidatingAdmissionPolicyBinding binding;
    private final List<Map.Entry<String, Program>> matchConditions = new ArrayList<>();
    private final List<Map.Entry<String, Program>> variables = new ArrayList<>();
    private final List<Map.Entry<String, Program>> validations = new ArrayList<>();

    private AdmissionPolicyEvaluator(ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicyBinding binding)
            throws CelValidationException, CelEvaluationException {
        this.policy = policy;
        this.binding = binding;
        Cel untyped = cel().build();
        Cel bool = cel().setResultType(SimpleType.BOOL).build();
        for (MatchCondition c : policy.getSpec().getMatchConditions()) {
            matchConditions.add(Map.entry(c.getName(), program(bool, c.getExpression())));
        }
        for (Variable v : policy.getSpec().getVariables()) {
            variables.add(Map.entry(v.getName(), program(untyped, v.getExpression())));
        }
        for (Validation v : policy.getSpec().getValidations()) {
            validations.add(Map.entry(v.getMessage(), program(bool, v.getExpression())));
        }
    }

    static AdmissionPolicyEvaluator load() throws Exception {
        List<HasMetadata> parsed;
        try (InputStream in = Files.newInputStream(FILE)) {
            Object all = SERIALIZATION.unmarshal(in);
            parsed = ((List<?>) all).stream().map(HasMetadata.class::cast).toList();
        }
        ValidatingAdmissionPolicy policy = only(parsed, ValidatingAdmissionPolicy.class);
        ValidatingAdmissionPolicyBinding binding = only(parsed, ValidatingAdmissionPolicyBinding.class);
        if (parsed.size() != 2) {
            throw new AssertionError("the policy and its binding, nothing else: " + parsed);
        }
        return new AdmissionPolicyEvaluator(policy, binding);
    }

    /**
     * What the API server decides on an UPDATE of {@code oldPod} into {@code newPod} by {@code username}, whose token
     * is bound to the pod {@code tokenPod} (null: a token that names no pod).
     */
    Decision decide(String username, String tokenPod, HasMetadata oldPod, HasMetadata newPod)
            throws CelEvaluationException {
        Map<String, Object> userInfo = new LinkedHashMap<>();
        userInfo.put("username", username);
        if (tokenPod != null) {
            userInfo.put("extra", Map.of("authentication.kubernetes.io/pod-name", List.of(tokenPod)));
        }
        Map<String, Object> request = Map.of("operation", "UPDATE", "namespace", newPod.getMetadata().getNamespace(),
                "name", newPod.getMetadata().getName(), "userInfo", userInfo);
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("request", request);
        vars.put("object", json(newPod));
        vars.put("oldObject", json(oldPod));
        for (Map.Entry<String, Program> c : matchConditions) {
            if (!(Boolean) c.getValue().eval(vars)) {
                return new Decision(Verdict.NOT_MATCHED, List.of());
            }
        }
        Map<String, Object> computed = new LinkedHashMap<>();
        vars.put("variables", computed);
        for (Map.Entry<String, Program> v : variables) {
            computed.put(v.getKey(), v.getValue().eval(vars));
        }
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Program> v : validations) {
            if (!(Boolean) v.getValue().eval(vars)) {
                failed.add(v.getKey());
            }
        }
        return new Decision(failed.isEmpty() ? Verdict.ADMITTED : Verdict.DENIED, List.copyOf(failed));
    }

    /** The variables the API server declares for a policy without params, untyped (see the class comment). */
    private static CelBuilder cel() {
        return CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("request", SimpleType.DYN)
                .addVar("object", SimpleType.DYN)
                .addVar("oldObject", SimpleType.DYN)
                .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN));
    }

    private static Program program(Cel cel, String expression) throws CelValidationException, CelEvaluationException {
        CelAbstractSyntaxTree ast = cel.compile(expression).getAst(); // throws, naming the error, if it does not compile
        return cel.createProgram(ast);
    }

    /** A resource as the JSON the API server hands to CEL: maps, lists, strings, booleans, and integers as long. */
    static Object json(HasMetadata resource) {
        return longs(SERIALIZATION.convertValue(resource, Map.class));
    }

    private static Object longs(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, longs(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(AdmissionPolicyEvaluator::longs).toList();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        return value;
    }

    private static <T> T only(List<HasMetadata> all, Class<T> kind) {
        List<T> found = all.stream().filter(kind::isInstance).map(kind::cast).toList();
        if (found.size() != 1) {
            throw new AssertionError("exactly one " + kind.getSimpleName() + " in " + FILE + ": " + all);
        }
        return found.get(0);
    }
}
