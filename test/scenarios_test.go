package test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/privatepull/privatepull/constructs/privatepull"
	"github.com/privatepull/privatepull/constructs/pullapp"
)

// The fixture's environment (testdata/cdk.context.json answers its lookups).
const (
	testAccount = "123456789012"
	testRegion  = "eu-west-1"
	testVpcId   = "vpc-0123456789abcdef0"
)

// appScenarios are the default app under context combinations, each with a
// golden template.
var appScenarios = map[string]map[string]any{
	"default":      nil,
	"repository":   {"repository": "team/app", "tag": "v1.2.3"},
	"digest":       {"repository": "team/app", "digest": "sha256:" + strings.Repeat("ab", 32)},
	"prefix-list":  {"prefixListId": "pl-63a5400a"},
	"env":          {"account": testAccount, "region": testRegion},
	"existing-vpc": {"account": testAccount, "region": testRegion, "vpcId": testVpcId, "repository": "team/app"},
	"cross-account": {"account": testAccount, "region": testRegion, "tag": "v1",
		"repository": "arn:aws:ecr:eu-west-1:210987654321:repository/shared/app"},
}

// appScenario synthesizes the default app with a named context combination.
func appScenario(t *testing.T, name string) *synthesized {
	t.Helper()
	return scenario(t, "app/"+name, func() awscdk.Stack {
		stack, err := pullapp.Build(newApp(appScenarios[name], false))
		if err != nil {
			panic(err)
		}
		return stack
	})
}

// libStack is an environment-agnostic stack with cdk-nag's AwsSolutions
// checks, for library scenarios.
func libStack() awscdk.Stack {
	app := newApp(nil, false)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
	return awscdk.NewStack(app, jsii.String("Lib"), nil)
}

// isolatedVpc is a VPC with two isolated subnets and flow logs.
func isolatedVpc(stack awscdk.Stack) awsec2.Vpc {
	return awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String("Isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(24)},
		},
		FlowLogs: &map[string]*awsec2.FlowLogOptions{"FlowLogs": {}},
	})
}

// repoImage is an image in an existing repository of the stack's account.
func repoImage(stack awscdk.Stack, name string) awsecs.ContainerImage {
	repo := awsecr.Repository_FromRepositoryName(stack, jsii.String("Repo"+name), jsii.String("team/"+strings.ToLower(name)))
	return awsecs.ContainerImage_FromEcrRepository(repo, jsii.String("v1"))
}

// sharedScenario is n services in one VPC, none given Endpoints: they share
// the VPC's one set.
func sharedScenario(t *testing.T, n int) *synthesized {
	t.Helper()
	return scenario(t, "shared/"+strconv.Itoa(n), func() awscdk.Stack {
		stack := libStack()
		vpc := isolatedVpc(stack)
		for i := range n {
			name := "Api" + strconv.Itoa(i+1)
			privatepull.NewFargateService(stack, jsii.String(name), &privatepull.FargateServiceProps{
				Vpc:   vpc,
				Image: repoImage(stack, name),
			})
		}
		return stack
	})
}

// nagFindings returns the unsuppressed cdk-nag errors and warnings.
func nagFindings(stack awscdk.Stack) []string {
	var out []string
	a := assertions.Annotations_FromStack(stack)
	for _, found := range [][]*cxapi.SynthesisMessage{
		*a.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))),
		*a.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))),
	} {
		for _, m := range found {
			out = append(out, *m.Id+": "+asJSON(m.Entry.Data))
		}
	}
	return out
}

func TestGoldenTemplates(t *testing.T) {
	for name := range appScenarios {
		t.Run("app/"+name, func(t *testing.T) { golden(t, "app-"+name, appScenario(t, name)) })
	}
	t.Run("shared/2", func(t *testing.T) { golden(t, "shared-2", sharedScenario(t, 2)) })
}

func TestNoUnsuppressedNagFindings(t *testing.T) {
	for name := range appScenarios {
		t.Run("app/"+name, func(t *testing.T) {
			if f := nagFindings(appScenario(t, name).stack); len(f) > 0 {
				t.Errorf("cdk-nag findings:\n%s", strings.Join(f, "\n"))
			}
		})
	}
	for name, s := range map[string]func(*testing.T) *synthesized{
		"shared/2":   func(t *testing.T) *synthesized { return sharedScenario(t, 2) },
		"real-tasks": realTasksScenario,
	} {
		t.Run(name, func(t *testing.T) {
			if f := nagFindings(s(t).stack); len(f) > 0 {
				t.Errorf("cdk-nag findings:\n%s", strings.Join(f, "\n"))
			}
		})
	}
}
