package privatepull

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// acknowledge records on the CloudFormation resource of c (or c itself) a
// cdk-nag suppression of rule, limited to appliesTo when given, with the
// reason the design accepts the finding. It writes the "cdk_nag" metadata
// that cdk-nag reads, so the library needs no cdk-nag dependency and users
// who run cdk-nag see only findings on what they added.
// An appliesTo entry is a finding string, or map[string]string{"regex": "/.../"}.
func acknowledge(c constructs.IConstruct, rule, reason string, appliesTo ...any) {
	if child := c.Node().DefaultChild(); child != nil {
		c = child
	}
	res, ok := c.(awscdk.CfnResource)
	if !ok {
		return
	}
	entry := map[string]any{"id": rule, "reason": reason}
	if len(appliesTo) > 0 {
		entry["applies_to"] = appliesTo
	}
	meta, _ := res.GetMetadata(jsii.String("cdk_nag")).(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	rules, _ := meta["rules_to_suppress"].([]any)
	meta["rules_to_suppress"] = append(rules, entry)
	res.AddMetadata(jsii.String("cdk_nag"), meta)
}
