// Package pullpath models the pull path of ECS services, what a Fargate task
// needs to pull its image and start, from CloudFormation templates (JSON or
// YAML, a cdk.out cloud assembly) and Terraform configurations, and judges
// each service: private, internet, broken, undecided or skipped.
//
// It is plain Go: it imports neither jsii nor the CDK, so the pullcheck
// command built on it runs without Node.js. Readers feed one Model (VPCs,
// subnets, route tables, endpoints, security groups, services, task
// definitions, roles); each rule is a small function over that model.
//
// What the inputs cannot show (a parameter, an import from outside the set,
// a literal id of something defined elsewhere, an Fn::If whose branches
// differ) is unknown: never assumed present, never assumed absent.
package pullpath
