package test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
	"github.com/privatepull/privatepull/constructs/pullapp"
)

// request is one API call, as a policy sees it.
type request struct {
	principalAccount string
	action           string
	resource         string
}

// allows reports whether an endpoint policy (Allow statements with
// StringEquals aws:PrincipalAccount conditions, as privatepull writes them,
// and no Deny) allows req. It reads literal values only: use it on templates
// of environment-specific stacks.
func allows(policy map[string]any, req request) bool {
	for _, st := range policy["Statement"].([]any) {
		st := st.(map[string]any)
		if st["Effect"] != "Allow" || !matchesAny(st["Action"], req.action) || !matchesAny(st["Resource"], req.resource) {
			continue
		}
		cond, _ := st["Condition"].(map[string]any)
		if eq, ok := cond["StringEquals"].(map[string]any); ok && !matchesAny(eq["aws:PrincipalAccount"], req.principalAccount) {
			continue
		}
		if len(cond) > 1 || (len(cond) == 1 && cond["StringEquals"] == nil) {
			continue // a condition this evaluator does not know: not allowed
		}
		return true
	}
	return false
}

// matchesAny reports whether value matches one of the patterns (a string or
// a list), with IAM's * and ? wildcards.
func matchesAny(patterns any, value string) bool {
	list, ok := patterns.([]any)
	if !ok {
		list = []any{patterns}
	}
	for _, p := range list {
		if s, ok := p.(string); ok {
			if m, _ := path.Match(strings.ReplaceAll(s, "/", "\x00"), strings.ReplaceAll(value, "/", "\x00")); m {
				return true
			}
		}
	}
	return false
}

// endpointPolicy returns the policy of the env scenario's endpoint for service.
func endpointPolicy(t *testing.T, service string) map[string]any {
	t.Helper()
	s := appScenario(t, "env")
	for _, r := range s.resources("AWS::EC2::VPCEndpoint") {
		if name := asJSON(props(r)["ServiceName"]); strings.HasSuffix(name, "."+service+`"`) || strings.HasSuffix(name, "."+service+`"]]}`) {
			return props(r)["PolicyDocument"].(map[string]any)
		}
	}
	t.Fatalf("no %s endpoint", service)
	return nil
}

func TestEndpointPoliciesAllowThePullAndRefuseTheRest(t *testing.T) {
	const me, other = testAccount, "210987654321"
	repo := "arn:aws:ecr:" + testRegion + ":" + me + ":repository/team/app"
	logGroup := "arn:aws:logs:" + testRegion + ":" + me + ":log-group:svc:log-stream:app/App/1"
	cases := []struct {
		service string
		req     request
		allowed bool
	}{
		// ecr.api and ecr.dkr: this account's principals pull this account's images
		{"ecr.api", request{me, "ecr:GetAuthorizationToken", "*"}, true},
		{"ecr.dkr", request{me, "ecr:BatchGetImage", repo}, true},
		{"ecr.dkr", request{me, "ecr:GetDownloadUrlForLayer", repo}, true},
		{"ecr.api", request{other, "ecr:GetAuthorizationToken", "*"}, false},                                              // another account's principal
		{"ecr.dkr", request{me, "ecr:BatchGetImage", "arn:aws:ecr:" + testRegion + ":" + other + ":repository/x"}, false}, // another account's repository
		{"ecr.api", request{me, "ecr:PutImage", repo}, false},                                                             // a push
		{"ecr.api", request{me, "ecr:DeleteRepository", repo}, false},
		// logs: writes only
		{"logs", request{me, "logs:PutLogEvents", logGroup}, true},
		{"logs", request{me, "logs:CreateLogStream", logGroup}, true},
		{"logs", request{me, "logs:GetLogEvents", logGroup}, false},
		{"logs", request{me, "logs:DeleteLogGroup", logGroup}, false},
		{"logs", request{other, "logs:PutLogEvents", logGroup}, false},
		// s3: layer downloads of this region only
		{"s3", request{me, "s3:GetObject", "arn:aws:s3:::prod-" + testRegion + "-starport-layer-bucket/abc/def"}, true},
		{"s3", request{other, "s3:GetObject", "arn:aws:s3:::prod-" + testRegion + "-starport-layer-bucket/abc"}, true}, // ECR's own bucket: any principal
		{"s3", request{me, "s3:GetObject", "arn:aws:s3:::my-data/secret.csv"}, false},
		{"s3", request{me, "s3:PutObject", "arn:aws:s3:::prod-" + testRegion + "-starport-layer-bucket/abc"}, false},
		{"s3", request{me, "s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/abc"}, false},
	}
	for _, c := range cases {
		if got := allows(endpointPolicy(t, c.service), c.req); got != c.allowed {
			t.Errorf("%s endpoint: %+v allowed=%v, want %v", c.service, c.req, got, c.allowed)
		}
	}
}

func TestOptionalEndpointPoliciesAreReadOnly(t *testing.T) {
	s := realTasksScenario(t)
	for _, r := range s.resources("AWS::EC2::VPCEndpoint") {
		p := props(r)
		name := asJSON(p["ServiceName"])
		doc, ok := p["PolicyDocument"].(map[string]any)
		if !ok {
			t.Errorf("%s endpoint has no policy (full access)", name)
			continue
		}
		var actions []string
		for _, st := range doc["Statement"].([]any) {
			switch a := st.(map[string]any)["Action"].(type) {
			case string:
				actions = append(actions, a)
			case []any:
				for _, x := range a {
					actions = append(actions, x.(string))
				}
			}
		}
		for _, a := range actions {
			if strings.Contains(a, "*") || slices.Contains([]string{"secretsmanager:PutSecretValue", "ssm:PutParameter", "kms:Encrypt", "kms:CreateGrant"}, a) {
				t.Errorf("%s endpoint allows %s", name, a)
			}
		}
	}
}

func TestVpcHasFlowLogsAndARestrictedDefaultGroup(t *testing.T) {
	s := appScenario(t, "default")
	check(t, "flow log", func() {
		s.template.ResourceCountIs(strp("AWS::EC2::FlowLog"), nump(1))
		s.template.ResourceCountIs(strp("Custom::VpcRestrictDefaultSG"), nump(1))
	})
}

func TestTwoSynthsAreByteIdentical(t *testing.T) {
	var templates [2][]byte
	for i := range templates {
		app := newApp(nil, false)
		if _, err := pullapp.Build(app); err != nil {
			t.Fatal(err)
		}
		dir := *app.Synth(nil).Directory()
		raw, err := os.ReadFile(filepath.Join(dir, pullapp.StackId+".template.json"))
		if err != nil {
			t.Fatal(err)
		}
		templates[i] = raw
	}
	if !bytes.Equal(templates[0], templates[1]) {
		t.Errorf("two synths differ:\n%s", lineDiff(string(templates[0]), string(templates[1])))
	}
}

func TestWritablePathsKeepTheRootReadOnly(t *testing.T) {
	stack := libStack()
	vpc := isolatedVpc(stack)
	privatepull.NewFargateService(stack, jsii.String("Svc"), &privatepull.FargateServiceProps{
		Vpc: vpc, Image: repoImage(stack, "Svc"), WritablePaths: jsii.Strings("/tmp", "/var/cache/app"),
	})
	tpl := assertions.Template_FromStack(stack, nil)
	check(t, "volumes and mounts", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), map[string]any{
			"Volumes": []any{map[string]any{"Name": "writable-0"}, map[string]any{"Name": "writable-1"}},
			"ContainerDefinitions": []any{assertions.Match_ObjectLike(&map[string]any{
				"ReadonlyRootFilesystem": true,
				"MountPoints": []any{
					map[string]any{"SourceVolume": "writable-0", "ContainerPath": "/tmp", "ReadOnly": false},
					map[string]any{"SourceVolume": "writable-1", "ContainerPath": "/var/cache/app", "ReadOnly": false}},
			})},
		})
	})
}

func TestNewRepositoryMeetsTheEcrControls(t *testing.T) {
	stack := libStack()
	privatepull.NewRepository(stack, jsii.String("Repo"), &privatepull.RepositoryProps{RepositoryName: jsii.String("team/app"), KeepImages: jsii.Number(20)})
	tpl := assertions.Template_FromStack(stack, nil)
	golden(t, "repository", &synthesized{json: toMap(tpl.ToJSON())})
	check(t, "ECR.1, ECR.2, ECR.3", func() {
		tpl.HasResource(jsii.String("AWS::ECR::Repository"), map[string]any{
			"Properties": map[string]any{
				"RepositoryName":             "team/app",
				"ImageScanningConfiguration": map[string]any{"ScanOnPush": true},
				"ImageTagMutability":         "IMMUTABLE",
				"LifecyclePolicy": map[string]any{"LifecyclePolicyText": assertions.Match_SerializedJson(map[string]any{"rules": []any{
					map[string]any{"rulePriority": 1, "description": "expire untagged images", "selection": map[string]any{
						"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 14, "countUnit": "days"}, "action": map[string]any{"type": "expire"}},
					map[string]any{"rulePriority": 2, "description": "keep the newest images", "selection": map[string]any{
						"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 20}, "action": map[string]any{"type": "expire"}},
				}})},
			},
			"DeletionPolicy": "Retain",
		})
	})
	if f := nagFindings(stack); len(f) > 0 {
		t.Errorf("cdk-nag findings: %v", f)
	}
	wantPanic(t, func() {
		privatepull.NewRepository(stack, jsii.String("Bad"), &privatepull.RepositoryProps{KeepImages: jsii.Number(0)})
	}, "RepositoryProps.KeepImages", "got 0")
	wantPanic(t, func() {
		privatepull.NewRepository(stack, jsii.String("Bad2"), &privatepull.RepositoryProps{UntaggedDays: jsii.Number(0.5)})
	}, "RepositoryProps.UntaggedDays", "got 0.5")
}

func TestTokensAreNotJudged(t *testing.T) {
	// a prefix list id from a CloudFormation parameter is a token: accepted
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Tokens"), nil)
	param := awscdk.NewCfnParameter(stack, jsii.String("PrefixList"), nil)
	privatepull.NewEndpoints(stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: isolatedVpc(stack), S3PrefixListId: param.ValueAsString()})
	check(t, "egress to the parameter", func() {
		assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupEgress"),
			map[string]any{"DestinationPrefixListId": ref("PrefixList")})
	})
}
