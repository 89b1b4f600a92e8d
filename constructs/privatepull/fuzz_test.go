package privatepull

import (
	"errors"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
)

// fakeVpc answers the few questions validation asks a VPC, in Go: fuzzing
// needs no jsii kernel and runs thousands of inputs a second.
type fakeVpc struct{ awsec2.IVpc }

type fakeSubnet struct{ awsec2.ISubnet }

func (fakeVpc) IsolatedSubnets() *[]awsec2.ISubnet { return &[]awsec2.ISubnet{fakeSubnet{}} }
func (fakeVpc) PrivateSubnets() *[]awsec2.ISubnet  { return &[]awsec2.ISubnet{} }
func (fakeVpc) SelectSubnets(*awsec2.SubnetSelection) *awsec2.SelectedSubnets {
	return &awsec2.SelectedSubnets{Subnets: &[]awsec2.ISubnet{fakeSubnet{}}}
}

type fakeImage struct{ awsecs.ContainerImage }

// FuzzValidate feeds arbitrary values to the props checks: they may refuse
// them only with an *Error, never panic or return another error.
// Run: go test ./constructs/privatepull -run '^$' -fuzz FuzzValidate -fuzztime 200000x
func FuzzValidate(f *testing.F) {
	f.Add(256.0, 512.0, 1.0, 8080.0, "pl-63a5400a", "ecr-public", "Proxy", "/tmp", "vpce-0a0000000000000a1")
	f.Add(4096.0, 1536.0, -1.0, 0.0, "", "/x", "App", "/", "")
	f.Add(16384.0, 122880.0, 1e300, 65536.0, "pl-", "a//b", "", "tmp", "vpce-")
	f.Add(512.0, 4096.0, 0.5, 443.0, "pl-0123456789abcdef0", "a.b-c/d_e", "side car", "/var/\x00", "123456789012")

	vpc, image := fakeVpc{}, fakeImage{}
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
