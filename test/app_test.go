package test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/pullapp"
)

func TestAppContextKeys(t *testing.T) {
	cfg := func(ctx map[string]any) (*pullapp.Config, error) {
		return pullapp.ConfigFromContext(newApp(ctx, false).Node())
	}
	t.Run("defaults", func(t *testing.T) {
		c, err := cfg(nil)
		if err != nil || !reflect.DeepEqual(*c, pullapp.Config{Nag: true}) {
			t.Errorf("got %+v, %v; want only Nag on", c, err)
		}
	})
	t.Run("strings from -c and JSON values from cdk.json mean the same", func(t *testing.T) {
		for _, v := range []any{false, "false"} {
			c, err := cfg(map[string]any{"nag": v, "repository": "team/app"})
			if err != nil || c.Nag || c.Tag != "latest" {
				t.Errorf("nag=%#v: got %+v, %v; want Nag off and tag latest", v, c, err)
			}
		}
	})
	t.Run("all keys", func(t *testing.T) {
		c, err := cfg(map[string]any{"repository": "a/b", "digest": "sha256:" + strings.Repeat("0", 64), "prefixListId": "pl-63a5400a",
			"account": testAccount, "region": testRegion, "vpcId": testVpcId, "nag": "true"})
		want := pullapp.Config{Repository: "a/b", Digest: "sha256:" + strings.Repeat("0", 64), PrefixListId: "pl-63a5400a",
			Account: testAccount, Region: testRegion, VpcId: testVpcId, Nag: true}
		if err != nil || !reflect.DeepEqual(*c, want) {
			t.Errorf("got %+v, %v; want %+v", c, err, want)
		}
	})

	bad := []struct {
		name string
		ctx  map[string]any
		want string
	}{
		{"fails when a key is unknown", map[string]any{"repo": "x"}, "unknown context key repo; the app reads repository, tag"},
		{"fails when the repository name is invalid", map[string]any{"repository": "Team/App"}, `context repository: got "Team/App"`},
		{"fails when the repository is not a string", map[string]any{"repository": 12.0}, "context repository: got 12 (float64)"},
		{"fails when the tag is invalid", map[string]any{"repository": "a", "tag": "-x"}, `context tag: got "-x"`},
		{"fails when the digest is invalid", map[string]any{"repository": "a", "digest": "sha256:xyz"}, `context digest: got "sha256:xyz"`},
		{"fails when tag and digest are both set", map[string]any{"repository": "a", "tag": "v1", "digest": "sha256:" + strings.Repeat("a", 64)}, "want one of them"},
		{"fails when a tag comes without a repository", map[string]any{"tag": "v1"}, `got "v1" without a repository`},
		{"fails when the prefix list id is malformed", map[string]any{"prefixListId": "pl-xyz"}, `context prefixListId: got "pl-xyz"`},
		{"fails when the account is malformed", map[string]any{"account": "1234", "region": testRegion}, `context account: got "1234"`},
		{"fails when the region is malformed", map[string]any{"account": testAccount, "region": "Europe"}, `context region: got "Europe"`},
		{"fails when the account comes without a region", map[string]any{"account": testAccount}, "want both"},
		{"fails when the region comes without an account", map[string]any{"region": testRegion}, "want both"},
		{"fails when a VPC id comes without an environment", map[string]any{"vpcId": testVpcId}, "a VPC lookup needs an environment"},
		{"fails when the VPC id is malformed", map[string]any{"vpcId": "my-vpc"}, `context vpcId: got "my-vpc"`},
		{"fails when a target is malformed", map[string]any{"targets": "123456789012:eu-west-1"}, `context targets: got "123456789012:eu-west-1"`},
		{"fails when a target repeats", map[string]any{"targets": []any{"123456789012/eu-west-1", "123456789012/eu-west-1"}}, "want distinct ACCOUNT/REGION pairs"},
		{"fails when targets come with an account", map[string]any{"targets": "123456789012/eu-west-1", "account": testAccount, "region": testRegion}, "want one or the other"},
		{"fails when the repository is in another region", map[string]any{"account": testAccount, "region": testRegion,
			"repository": "210987654321.dkr.ecr.us-east-1.amazonaws.com/shared/app"}, "got a repository in us-east-1, want one in the stack's region eu-west-1"},
		{"fails when the repository ARN is malformed", map[string]any{"repository": "arn:aws:ecr:eu-west-1:2109:repository/x"}, `context repository: got "arn:aws:ecr:eu-west-1:2109:repository/x"`},
		{"fails when nag is not a boolean", map[string]any{"nag": "yes"}, `context nag: got "yes", want true or false`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := pullapp.Build(newApp(c.ctx, false))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestAppUsesCdkJSONContext(t *testing.T) {
	// the feature flag that makes validation errors fail synth comes from cdk.json
	app := newApp(nil, false)
	if v := app.Node().TryGetContext(jsii.String("@aws-cdk/core:validateAgainstDefaultRules")); v != true {
		t.Errorf("validateAgainstDefaultRules = %v, want true from cdk.json", v)
	}
}

func TestAppDefaultImageIsBuiltFromImageFolder(t *testing.T) {
	s := appScenario(t, "default")
	raw := asJSON(s.json)
	if !strings.Contains(raw, "cdk-hnb659fds-container-assets-") {
		t.Error("the default app's image is not a container asset")
	}
}

func TestAppTargetsMakeOneStackPerEnvironment(t *testing.T) {
	app := newApp(map[string]any{"targets": "123456789012/eu-west-1, 123456789012/us-east-1", "nag": false}, false)
	if _, err := pullapp.Build(app); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range *app.Synth(nil).Stacks() {
		got = append(got, *s.StackName()+" "+*s.Environment().Name)
		raw := asJSON(s.Template())
		// each stack has its own endpoints and its region's prefix list from cdk.context.json
		pl := map[string]string{"eu-west-1": "pl-6da54004", "us-east-1": "pl-63a5400a"}[*s.Environment().Region]
		if !strings.Contains(raw, `"DestinationPrefixListId":"`+pl+`"`) || strings.Count(raw, `"AWS::EC2::VPCEndpoint"`) != 4 {
			t.Errorf("%s: want 4 endpoints and prefix list %s", *s.StackName(), pl)
		}
	}
	want := []string{"PrivatePull-123456789012-eu-west-1 aws://123456789012/eu-west-1", "PrivatePull-123456789012-us-east-1 aws://123456789012/us-east-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stacks %v, want %v", got, want)
	}
}

func TestAppCrossAccountRepository(t *testing.T) {
	s := appScenario(t, "cross-account")
	// the ECR endpoints may serve the other account's repository
	if n := strings.Count(asJSON(s.json), `"arn:aws:ecr:eu-west-1:210987654321:repository/shared/app"`); n < 3 {
		t.Errorf("repository ARN appears %d times, want in the execution policy and both ECR endpoint policies", n)
	}
	// and the owner is told what to add to the repository policy
	out, ok := s.json["Outputs"].(map[string]any)["RepositoryPolicyStatement"].(map[string]any)
	if !ok || !strings.Contains(asJSON(out["Value"]), `ecr:BatchGetImage`) || !strings.Contains(asJSON(out["Value"]), "ExecutionRole") {
		t.Errorf("RepositoryPolicyStatement output: %s", asJSON(out))
	}
}
