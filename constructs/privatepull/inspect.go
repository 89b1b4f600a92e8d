package privatepull

import (
	"encoding/json"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// tasks is what the aspect reads of a service's tasks.
type tasks struct {
	subnets  []awsec2.ISubnet   // the task subnets the VPC knows
	publicIp bool               // AssignPublicIp ENABLED
	wayOut   bool               // a NAT subnet, or a public IP in a public subnet
	needs    []InterfaceService // the interface endpoints the tasks use
	images   []image
}

type image struct{ container, name string }

// inspect reads the service's subnets and what its task definition needs.
func inspect(svc awsecs.BaseService, cfn awsecs.CfnService, vpc awsec2.IVpc, awsvpc *awsecs.CfnService_AwsVpcConfigurationProperty) tasks {
	t := tasks{publicIp: awsvpc.AssignPublicIp != nil && *awsvpc.AssignPublicIp == "ENABLED"}
	kinds := map[string]string{}
	byId := map[string]awsec2.ISubnet{}
	for kind, list := range map[string]*[]awsec2.ISubnet{
		"public": vpc.PublicSubnets(), "private": vpc.PrivateSubnets(), "isolated": vpc.IsolatedSubnets(),
	} {
		for _, s := range *list {
			kinds[*s.SubnetId()], byId[*s.SubnetId()] = kind, s
		}
	}
	for _, id := range strs(awsvpc.Subnets) {
		s, known := byId[id]
		if !known {
			continue
		}
		t.subnets = append(t.subnets, s)
		if kinds[id] == "private" || kinds[id] == "public" && t.publicIp {
			t.wayOut = true
		}
	}

	need := map[InterfaceService]bool{EcrApi: true, EcrDkr: true}
	td := svc.TaskDefinition()
	for _, c := range *td.Node().Children() {
		container, ok := c.(awsecs.ContainerDefinition)
		if !ok {
			continue
		}
		t.images = append(t.images, image{*container.ContainerName(), *container.ImageName()})
		if lc := container.LogDriverConfig(); lc != nil && lc.LogDriver != nil && *lc.LogDriver == "awslogs" {
			need[Logs] = true
		}
		rendered := container.RenderContainerDefinition(td)
		var refs []string
		for _, s := range listOf[struct {
			ValueFrom string `json:"valueFrom"`
		}](rendered.Secrets) {
			refs = append(refs, s.ValueFrom)
		}
		if creds := listOf[struct {
			CredentialsParameter string `json:"credentialsParameter"`
		}]([]any{rendered.RepositoryCredentials}); len(creds) > 0 && creds[0].CredentialsParameter != "" {
			refs = append(refs, creds[0].CredentialsParameter)
		}
		for _, arn := range refs {
			for _, s := range secretServicesOf(&arn) {
				need[s] = true
			}
			if keyVisible(&arn) {
				need[Kms] = true
			}
		}
	}
	if isTrue(cfn.EnableExecuteCommand()) {
		need[SsmMessages] = true
		if exec := svc.Cluster().ExecuteCommandConfiguration(); exec != nil && exec.KmsKey != nil {
			need[Kms] = true
		}
	}
	for _, s := range allServices {
		if need[s] {
			t.needs = append(t.needs, s)
		}
	}
	return t
}

// notFargate returns how the service runs when that is not Fargate (the EC2
// launch type, an external one, capacity providers other than FARGATE and
// FARGATE_SPOT, or the cluster's default strategy for a task definition
// Fargate cannot run), else "".
func notFargate(svc awsecs.BaseService, cfn awsecs.CfnService) string {
	if lt := cfn.LaunchType(); lt != nil {
		if *lt == "FARGATE" || unresolved(lt) {
			return ""
		}
		return "the " + *lt + " launch type"
	}
	providers := listOf[struct {
		CapacityProvider string `json:"capacityProvider"`
	}](cfn.CapacityProviderStrategy())
	for _, p := range providers {
		if p.CapacityProvider != "FARGATE" && p.CapacityProvider != "FARGATE_SPOT" && !unresolved(&p.CapacityProvider) {
			return "the capacity provider " + p.CapacityProvider
		}
	}
	if len(providers) == 0 && !*svc.TaskDefinition().IsFargateCompatible() {
		return "the cluster's default capacity providers, with a task definition Fargate cannot run"
	}
	return ""
}

// listOf reads a list that jsii returns as structs or maps, through JSON
// (tokens stay strings). A token or an unexpected shape gives nil.
func listOf[T any](v any) []T {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out []T
	if json.Unmarshal(raw, &out) != nil {
		return nil
	}
	return out
}

func isTrue(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case *bool:
		return b != nil && *b
	}
	return false
}

// secretServicesOf returns the endpoints a secret (its ARN or valueFrom) is
// read through: secretsmanager for a Secrets Manager secret, ssm for a
// parameter, both when the ARN does not tell.
func secretServicesOf(arn *string) []InterfaceService {
	// a literal, or a concatenation whose literal parts may tell
	switch pullpath.SecretStore(*arn) {
	case "secretsmanager":
		return []InterfaceService{SecretsManager}
	case "ssm":
		return []InterfaceService{Ssm}
	}
	types := map[string]bool{}
	for _, tok := range *awscdk.Tokenization_ReverseString(arn).Tokens() {
		types[resourceTypeOfToken(tok)] = true
	}
	switch {
	case types["AWS::SecretsManager::Secret"] && !types["AWS::SSM::Parameter"]:
		return []InterfaceService{SecretsManager}
	case types["AWS::SSM::Parameter"] && !types["AWS::SecretsManager::Secret"]:
		return []InterfaceService{Ssm}
	}
	return []InterfaceService{SecretsManager, Ssm}
}

// keyVisible reports whether a secret of the app behind arn is encrypted
// with a customer-managed key.
func keyVisible(arn *string) (visible bool) {
	defer func() {
		if recover() != nil {
			visible = false
		}
	}()
	for _, tok := range *awscdk.Tokenization_ReverseString(arn).Tokens() {
		ref, ok := tok.(awscdk.Reference)
		if !ok {
			continue
		}
		res, ok := ref.Target().(awscdk.CfnResource)
		if !ok || *res.CfnResourceType() != "AWS::SecretsManager::Secret" {
			continue
		}
		if secret, ok := res.Node().Scope().(awssecretsmanager.ISecret); ok && secret.EncryptionKey() != nil {
			return true
		}
	}
	return false
}

// resourceTypeOfToken returns the CloudFormation type of the resource a Ref
// or GetAtt token points at, or "".
func resourceTypeOfToken(tok awscdk.IResolvable) (typ string) {
	defer func() {
		if recover() != nil {
			typ = ""
		}
	}()
	if ref, ok := tok.(awscdk.Reference); ok {
		if res, ok := ref.Target().(awscdk.CfnResource); ok {
			return *res.CfnResourceType()
		}
	}
	return ""
}
