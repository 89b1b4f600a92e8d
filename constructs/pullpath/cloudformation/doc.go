// Package cloudformation is the pull-path checker's CloudFormation front
// end: a pullpath.Reader for templates (JSON or YAML, short-form tags turned
// into long form) and cdk.out cloud assemblies.
//
// All templates one Reader reads form one set: an Fn::ImportValue or
// Fn::GetStackOutput resolves to the export of another template of the same
// environment, and an import named after a stack-name parameter links to the
// one template that exports that name after its own stack (the reason is
// recorded in Input.Assumed). Intrinsics are resolved where the set shows
// them (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If
// with conditions evaluated, Fn::FindInMap, Fn::Cidr); anything else is an
// unknown that carries its reason. A cloud assembly brings its stacks'
// environments, nested assemblies (Stages), nested stacks with their
// parameters bound, and the acknowledgements the CDK recorded in its
// metadata (privatepull::RULE).
//
// Limits: files over pullpath.MaxFileSize are refused; what a Transform, a
// nested stack outside the set or an AWS::Include inserts is listed as
// hidden (Input.Hidden), and resources behind an undecidable Condition may
// not exist (Node.CountWhy). Fixes are worded as CloudFormation properties
// and resource types.
package cloudformation
