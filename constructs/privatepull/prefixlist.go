package privatepull

import (
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// prefixListIdPattern is the form of a managed prefix list id.
var prefixListIdPattern = regexp.MustCompile(`^pl-[0-9a-f]{8,17}$`)

// S3PrefixListName returns the name of the AWS-managed prefix list of S3 in
// the stack's region, com.amazonaws.REGION.s3.
func S3PrefixListName(stack awscdk.Stack) *string {
	return jsii.String("com.amazonaws." + *stack.Region() + ".s3")
}

// awsCustomResourceProviderId is the id of the singleton function the CDK
// adds to a stack for AwsCustomResource.
const awsCustomResourceProviderId = "AWS679f53fac002430cb0da5b7982bd2287"

// s3PrefixListId returns the id given, else the id from a context lookup when
// the stack's account and region are known at synth time, else a deploy-time
// lookup. The construct id "S3PrefixList" is the same for both lookups.
func s3PrefixListId(scope constructs.Construct, given *string) *string {
	if given != nil {
		return given
	}
	stack := awscdk.Stack_Of(scope)
	name := S3PrefixListName(stack)
	if !unresolved(stack.Account()) && !unresolved(stack.Region()) {
		return awsec2.PrefixList_FromLookup(scope, jsii.String("S3PrefixList"), &awsec2.PrefixListLookupOptions{
			PrefixListName: name,
		}).PrefixListId()
	}
	call := &customresources.AwsSdkCall{
		Service: jsii.String("EC2"),
		Action:  jsii.String("DescribeManagedPrefixLists"),
		Parameters: map[string]any{
			"Filters": []map[string]any{{"Name": "prefix-list-name", "Values": []*string{name}}},
		},
		PhysicalResourceId: customresources.PhysicalResourceId_FromResponse(jsii.String("PrefixLists.0.PrefixListId")),
		OutputPaths:        jsii.Strings("PrefixLists.0.PrefixListId"),
	}
	lookup := customresources.NewAwsCustomResource(scope, jsii.String("S3PrefixList"), &customresources.AwsCustomResourceProps{
		OnCreate: call,
		OnUpdate: call,
		// DescribeManagedPrefixLists has no resource-level permissions.
		Policy: customresources.AwsCustomResourcePolicy_FromSdkCalls(&customresources.SdkCallsPolicyOptions{
			Resources: customresources.AwsCustomResourcePolicy_ANY_RESOURCE(),
		}),
		InstallLatestAwsSdk: jsii.Bool(false),
	})
	acknowledge(lookup.Node().FindChild(jsii.String("CustomResourcePolicy")), "AwsSolutions-IAM5",
		"ec2:DescribeManagedPrefixLists supports no resource-level permissions; it only reads prefix list metadata", "Resource::*")
	if provider := stack.Node().TryFindChild(jsii.String(awsCustomResourceProviderId)); provider != nil {
		acknowledge(provider.Node().FindChild(jsii.String("ServiceRole")), "AwsSolutions-IAM4",
			"the CDK's AwsCustomResource provider: the basic execution policy only lets it write its own logs",
			"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
	}
	return lookup.GetResponseField(jsii.String("PrefixLists.0.PrefixListId"))
}

// markS3PrefixList runs add, which writes an egress rule of group to the S3
// prefix list, and marks the rule resource it creates as S3's in its
// metadata ({"privatepull": {"s3PrefixList": true}}): a checker cannot
// tell from a literal pl- id, or a looked-up one, which service's list it is.
func markS3PrefixList(group constructs.IConstruct, add func()) {
	before := map[string]bool{}
	for _, c := range *group.Node().Children() {
		before[*c.Node().Path()] = true
	}
	add()
	for _, c := range *group.Node().Children() {
		res, ok := c.(awscdk.CfnResource)
		if !ok || before[*c.Node().Path()] || *res.CfnResourceType() != "AWS::EC2::SecurityGroupEgress" {
			continue
		}
		res.AddMetadata(jsii.String("privatepull"), map[string]any{"s3PrefixList": true})
	}
}
