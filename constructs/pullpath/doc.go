// Package pullpath models the pull path of ECS services, what a Fargate task
// needs to pull its image and start, from CloudFormation templates (JSON or
// YAML, a cdk.out cloud assembly) and Terraform root modules, and judges
// each service: private, internet, broken, undecided or skipped. Other
// launchers of tasks (EventBridge rule targets and schedules, Step Functions
// states that run a task) and Fargate task definitions that nothing in the
// set launches are judged the same way (launchers.go).
//
// It is plain Go: it imports neither jsii nor the CDK, so the pullcheck
// command built on it runs without Node.js.
//
//	report, err := pullpath.Check([]string{"cdk.out"}, pullpath.Options{})
//	report.WriteText(os.Stdout) // or WriteJSON, WriteSARIF, Mermaid
//
// The readers (parse.go and cfn.go for CloudFormation, terraform*.go for
// Terraform) feed one Model: VPCs, subnets, route tables, endpoints,
// security groups, services, task definitions, roles and cache rules, linked
// by pointers. For each service, facts.go gathers what the tasks need and
// what the set has of it, and each rule (rules.go) is one small function over
// that; judge.go turns their findings and unknowns into the verdict.
//
// What the inputs cannot show (a parameter, an import from outside the set,
// a literal id of something defined elsewhere, an Fn::If whose branches
// differ, what a transform or an uninitialised module creates) is unknown:
// never assumed present, never assumed absent.
package pullpath
