package privatepull

import (
	"errors"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/jsii-runtime-go"
)

// FuzzValidate feeds arbitrary values to the props checks: they may refuse
// them only with an *Error, never panic or return another error.
// Run: go test ./constructs/privatepull -fuzz FuzzValidate -fuzztime 60s
func FuzzValidate(f *testing.F) {
	f.Add(256.0, 512.0, 1.0, 8080.0, "pl-63a5400a", "ecr-public", "Proxy", "/tmp", "vpce-0a0000000000000a1")
	f.Add(4096.0, 1536.0, -1.0, 0.0, "", "/x", "App", "/", "")
	f.Add(16384.0, 122880.0, 1e300, 65536.0, "pl-", "a//b", "", "tmp", "vpce-")

	app := awscdk.NewApp(&awscdk.AppProps{BuiltinCloudFormationValidation: jsii.Bool(false)})
	stack := awscdk.NewStack(app, jsii.String("Fuzz"), nil)
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(1), NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("I"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}}})
	image := awsecs.ContainerImage_FromEcrRepository(awsecr.Repository_FromRepositoryName(stack, jsii.String("R"), jsii.String("r")), nil)

	f.Fuzz(func(t *testing.T, cpu, mem, count, port float64, prefixList, cachePrefix, sidecar, dir, endpointId string) {
		ownError := func(what string, err error) {
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("%s: got %T %v, want nil or *privatepull.Error", what, err, err)
			}
		}
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("validation panicked: %v", r)
			}
		}()
		svc := &FargateServiceProps{
			Vpc: vpc, Image: image, Cpu: &cpu, MemoryLimitMiB: &mem, DesiredCount: &count, ContainerPort: &port,
			PullThroughCachePrefix: &cachePrefix, WritablePaths: &[]*string{&dir},
			Sidecars:     &[]*SidecarProps{{Name: &sidecar, Image: image, Port: &port}},
			LoadBalancer: &LoadBalancerProps{ListenerPort: &port},
		}
		ownError("FargateServiceProps", svc.validate())
		eps := &EndpointsProps{Vpc: vpc, S3PrefixListId: &prefixList, PrincipalAccounts: &[]*string{&endpointId},
			Services: &[]InterfaceService{InterfaceService(sidecar)},
			Existing: &ExistingEndpoints{InterfaceEndpointIds: map[InterfaceService]*string{EcrApi: &endpointId}, S3GatewayEndpointId: &endpointId}}
		_, err := eps.validate()
		ownError("EndpointsProps", err)
	})
}
