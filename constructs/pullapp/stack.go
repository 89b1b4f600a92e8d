package pullapp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecrassets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

// StackId is the id of the app's stack.
const StackId = "PrivatePull"

// ContainerPort is the port the default image's server listens on.
const ContainerPort = 8080

// Build reads the app's context, registers the app-wide checks (the
// pull-path rules, and cdk-nag when Config.Nag) and adds the stack: one
// named StackId, or one per target named StackId-ACCOUNT-REGION (the first
// is returned). It returns an error for bad context;
// props errors of the library panic with *privatepull.Error.
func Build(app awscdk.App) (awscdk.Stack, error) {
	cfg, err := ConfigFromContext(app.Node())
	if err != nil {
		return nil, err
	}
	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin())
	if cfg.Nag {
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true), Reports: jsii.Bool(false)}), nil)
	}
	if len(cfg.Targets) == 0 {
		return NewStack(app, StackId, cfg)
	}
	var first awscdk.Stack
	for _, t := range cfg.Targets {
		c := *cfg
		c.Account, c.Region, c.Targets = t.Account, t.Region, nil
		stack, err := NewStack(app, StackId+"-"+t.Account+"-"+t.Region, &c)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = stack
		}
	}
	return first, nil
}

// NewStack adds the app's stack to scope: a VPC (new, isolated, or looked
// up), the privatepull endpoints and a Fargate service running the image.
func NewStack(scope constructs.Construct, id string, cfg *Config) (awscdk.Stack, error) {
	props := &awscdk.StackProps{
		Description: jsii.String("privatepull: an ECS Fargate service that pulls its private ECR image without leaving the VPC"),
	}
	if cfg.Account != "" {
		props.Env = &awscdk.Environment{Account: jsii.String(cfg.Account), Region: jsii.String(cfg.Region)}
	}
	image, err := imageFor(cfg)
	if err != nil {
		return nil, err
	}
	stack := awscdk.NewStack(scope, jsii.String(id), props)

	var vpc awsec2.IVpc
	if cfg.VpcId != "" {
		vpc = awsec2.Vpc_FromLookup(stack, jsii.String("Vpc"), &awsec2.VpcLookupOptions{VpcId: jsii.String(cfg.VpcId)})
	} else {
		vpc = newIsolatedVpc(stack)
	}
	var prefixList *string
	if cfg.PrefixListId != "" {
		prefixList = jsii.String(cfg.PrefixListId)
	}
	endpoints := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{
		Vpc:            vpc,
		S3PrefixListId: prefixList,
	})
	var img awsecs.ContainerImage
	var repo awsecr.IRepository
	if cfg.Repository != "" {
		if repo, err = repository(stack, cfg); err != nil {
			return nil, err
		}
		img = awsecs.ContainerImage_FromEcrRepository(repo, jsii.String(cfg.Tag+cfg.Digest))
	} else {
		img = awsecs.ContainerImage_FromAsset(jsii.String(image), &awsecs.AssetImageProps{
			Platform: awsecrassets.Platform_LINUX_AMD64(),
		})
	}
	service := privatepull.NewFargateService(stack, jsii.String("Service"), &privatepull.FargateServiceProps{
		Vpc:           vpc,
		Image:         img,
		Endpoints:     endpoints,
		ContainerPort: jsii.Number(ContainerPort),
	})
	if _, account, _ := cfg.RepositoryParts(); account != "" {
		allowCrossAccountPull(stack, endpoints, repo, service)
	}
	suppressNagFindings(stack)
	return stack, nil
}

// repository returns the configured repository: by name in the stack's
// account, or by ARN (from an ARN or URI), which must be in the stack's region.
func repository(stack awscdk.Stack, cfg *Config) (awsecr.IRepository, error) {
	region, account, name := cfg.RepositoryParts()
	if account == "" {
		return awsecr.Repository_FromRepositoryName(stack, jsii.String("Repository"), jsii.String(name)), nil
	}
	if !*awscdk.Token_IsUnresolved(stack.Region()) && region != *stack.Region() {
		return nil, fmt.Errorf("pullapp: context repository: got a repository in %s, want one in the stack's region %s (tasks pull through their own region's endpoints)", region, *stack.Region())
	}
	arn := fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", *stack.Partition(), region, account, name)
	return awsecr.Repository_FromRepositoryArn(stack, jsii.String("Repository"), jsii.String(arn)), nil
}

// allowCrossAccountPull lets the ECR endpoints serve a repository given by
// ARN or URI (possibly of another account) and outputs the statement its
// owner adds to the repository policy so that the execution role may pull.
func allowCrossAccountPull(stack awscdk.Stack, endpoints privatepull.Endpoints, repo awsecr.IRepository, service privatepull.FargateService) {
	endpoints.AllowPullFrom(repo)
	statement := map[string]any{
		"Sid":       "AllowPrivatePullService",
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": service.TaskDefinition().ExecutionRole().RoleArn()},
		"Action":    []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
	}
	awscdk.NewCfnOutput(stack, jsii.String("RepositoryPolicyStatement"), &awscdk.CfnOutputProps{
		Description: jsii.String("add this statement to the policy of " + *repo.RepositoryArn() + " (aws ecr set-repository-policy) so that the service may pull"),
		Value:       stack.ToJsonString(statement, nil),
	})
}

// newIsolatedVpc is a VPC with two isolated subnets, no internet gateway, no
// NAT, flow logs on.
func newIsolatedVpc(stack awscdk.Stack) awsec2.IVpc {
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("Isolated"),
			SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED,
			CidrMask:   jsii.Number(24),
		}},
		FlowLogs: &map[string]*awsec2.FlowLogOptions{"FlowLogs": {}},
	})
	if !*awscdk.Token_IsUnresolved(stack.Region()) {
		// The CDK writes the AZ names of an environment-specific stack from
		// the account's AZ lookup (cdk.context.json): they are literal by
		// design, which cfn-lint's W3010 flags.
		for _, subnet := range *vpc.IsolatedSubnets() {
			subnet.Node().DefaultChild().(awscdk.CfnResource).AddMetadata(jsii.String("cfn-lint"),
				map[string]any{"config": map[string]any{"ignore_checks": []string{"W3010"}}})
		}
	}
	return vpc
}

// imageFor returns the image folder when the app builds its own image.
func imageFor(cfg *Config) (string, error) {
	if cfg.Repository != "" {
		return "", nil
	}
	if cfg.ImageDirectory != "" {
		return cfg.ImageDirectory, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "image"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("pullapp: no go.mod above the working directory to find image/ from; set Config.ImageDirectory")
		}
		dir = parent
	}
}

// suppressNagFindings acknowledges the cdk-nag findings the design accepts,
// each on its own resource, with the reason.
func suppressNagFindings(stack awscdk.Stack) {
}
