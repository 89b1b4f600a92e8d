package pullapp

import (
	"errors"
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
// pull-path rules, and cdk-nag when Config.Nag) and adds the stack. It returns an error for bad context;
// props errors of the library panic with *privatepull.Error.
func Build(app awscdk.App) (awscdk.Stack, error) {
	cfg, err := ConfigFromContext(app.Node())
	if err != nil {
		return nil, err
	}
	awscdk.Validations_Of(app).AddPlugins(privatepull.SharedPullPathPlugin())
	if cfg.Nag {
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	}
	return NewStack(app, StackId, cfg)
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
	if cfg.Repository != "" {
		repo := awsecr.Repository_FromRepositoryName(stack, jsii.String("Repository"), jsii.String(cfg.Repository))
		img = awsecs.ContainerImage_FromEcrRepository(repo, jsii.String(cfg.Tag+cfg.Digest))
	} else {
		img = awsecs.ContainerImage_FromAsset(jsii.String(image), &awsecs.AssetImageProps{
			Platform: awsecrassets.Platform_LINUX_AMD64(),
		})
	}
	privatepull.NewFargateService(stack, jsii.String("Service"), &privatepull.FargateServiceProps{
		Vpc:           vpc,
		Image:         img,
		Endpoints:     endpoints,
		ContainerPort: jsii.Number(ContainerPort),
	})
	suppressNagFindings(stack)
	return stack, nil
}

// newIsolatedVpc is a VPC with two isolated subnets, no internet gateway, no
// NAT, flow logs on.
func newIsolatedVpc(stack awscdk.Stack) awsec2.IVpc {
	return awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("Isolated"),
			SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED,
			CidrMask:   jsii.Number(24),
		}},
		FlowLogs: &map[string]*awsec2.FlowLogOptions{"FlowLogs": {}},
	})
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
