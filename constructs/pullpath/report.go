package pullpath

import "strings"

// RuleIDPrefix starts the id of every pull-path rule.
const RuleIDPrefix = "PRIVATEPULL-"

// HelpBase is where each rule's help lives: the README's rule table, one
// anchor per rule (lowercase id).
const HelpBase = "https://github.com/privatepull/privatepull/blob/main/README.md#"

// RuleDocs describes each rule in a line, by id.
var RuleDocs = map[string]string{
	"PRIVATEPULL-ECR-API":            "an ecr.api interface endpoint serves the tasks' VPC",
	"PRIVATEPULL-ECR-DKR":            "an ecr.dkr interface endpoint serves the tasks' VPC",
	"PRIVATEPULL-PRIVATE-DNS":        "the interface endpoints the tasks need have private DNS on",
	"PRIVATEPULL-S3-INTERFACE":       "image layers need an S3 gateway endpoint, not an S3 interface endpoint",
	"PRIVATEPULL-S3-GATEWAY":         "an S3 gateway endpoint is on the route tables of the task subnets",
	"PRIVATEPULL-S3-EGRESS":          "the task groups allow tcp/443 to the S3 prefix list",
	"PRIVATEPULL-ENDPOINT-EGRESS":    "the task groups allow tcp/443 to the interface endpoints",
	"PRIVATEPULL-ENDPOINT-INGRESS":   "the endpoint groups admit tcp/443 from the tasks",
	"PRIVATEPULL-VPC-DNS":            "the VPC has DNS support and DNS hostnames on",
	"PRIVATEPULL-S3-POLICY":          "the S3 gateway's policy allows the ECR layer bucket",
	"PRIVATEPULL-ENDPOINT-POLICY":    "the ECR endpoints' policies allow the pull",
	"PRIVATEPULL-LOGS-ENDPOINT":      "a logs interface endpoint serves tasks that use awslogs",
	"PRIVATEPULL-SECRETS-ENDPOINT":   "secretsmanager / ssm endpoints serve tasks that read secrets",
	"PRIVATEPULL-EXEC-ENDPOINT":      "an ssmmessages endpoint serves tasks with ECS Exec",
	"PRIVATEPULL-PUBLIC-IP":          "the tasks get no public IP",
	"PRIVATEPULL-EXECUTION-ROLE":     "the execution role may pull the image",
	"PRIVATEPULL-IMAGE-REGISTRY":     "the image comes from a registry the tasks can reach",
	"PRIVATEPULL-PULL-THROUGH-CACHE": "a pull through an ECR cache can import and reach upstream",
	"PRIVATEPULL-NETWORK-ACL":        "the network ACLs of the task and endpoint subnets let the pull through both ways",
	"PRIVATEPULL-IMAGE-MISSING":      "the image's tag or digest exists in its ECR repository (a deployed account only)",
}

// HelpURI returns the help link of a rule.
func HelpURI(rule string) string { return HelpBase + strings.ToLower(rule) }

// Finding is one thing a rule found.
type Finding struct {
	// Rule is the rule's id, e.g. PRIVATEPULL-S3-EGRESS.
	Rule string `json:"rule"`
	// Severity is "error" (the tasks will not pull or start) or "warning".
	Severity string `json:"severity"`
	// Template is the path of the input that defines Resource.
	Template string `json:"template"`
	// Resource is the logical id (or Terraform address) at fault.
	Resource string `json:"resource"`
	// Message says what is wrong and what the tasks will do.
	Message string `json:"message"`
	// Fix says in one line how to fix it.
	Fix string `json:"fix"`
	// Help links the rule's row in the README.
	Help string `json:"help"`
	// Acknowledged is true when the resource acknowledges the rule;
	// Reason is the reason given.
	Acknowledged bool   `json:"acknowledged"`
	Reason       string `json:"reason,omitempty"`
	// File and Line locate the resource, where the reader keeps positions.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// ARN is the resource's ARN, for a finding on a deployed account.
	ARN string `json:"arn,omitempty"`

	node *Node
}

// The verdicts of a service.
const (
	Private   = "private"
	Internet  = "internet"
	Broken    = "broken"
	Undecided = "undecided"
	Skipped   = "skipped"
)

// ServiceReport is the verdict on one ECS service or other launcher.
type ServiceReport struct {
	// ID is the service's logical id or Terraform address; for a launcher
	// with several targets, the launcher's id and the target's
	// ("Rule/Target0").
	ID string `json:"id"`
	// Kind is what launches the tasks: "service" (an ECS service),
	// "events-rule", "schedule", "state-machine", or "task-definition" (a
	// Fargate task definition nothing in the set launches).
	Kind string `json:"kind"`
	// Verdict is private, internet, broken, undecided or skipped.
	Verdict string `json:"verdict"`
	// Why explains the verdict in a line.
	Why string `json:"why"`
	// Unknowns name what the inputs do not show, each with the piece it hides.
	Unknowns []string `json:"unknowns"`
	// Findings are those that decide the verdict; they may be on resources
	// of other inputs of the set.
	Findings []*Finding `json:"findings"`
	// StoppedTasks are the service's stopped tasks a deployed account
	// shows, each tied to the findings that explain it; absent for
	// templates.
	StoppedTasks []*StoppedTaskReport `json:"stoppedTasks,omitempty"`
	// StoppedTasksWhy says why the stopped tasks could not be read (a
	// refused ecs:ListTasks or ecs:DescribeTasks).
	StoppedTasksWhy string `json:"stoppedTasksWhy,omitempty"`

	service *Service
	j       *judgement
}

// TemplateReport is what Check says of one input.
type TemplateReport struct {
	// Path is the template file or Terraform folder; Stack the CDK stack.
	Path  string `json:"path"`
	Stack string `json:"stack"`
	// Services are the input's ECS services and other launchers of tasks
	// (Kind says which), and its Fargate task definitions that nothing in
	// the set launches.
	Services []*ServiceReport `json:"services"`
	// Findings are every finding on the input's own resources.
	Findings []*Finding `json:"findings"`
	// Hidden names what the input creates that the reader cannot see (a
	// transform, a nested stack outside the set, a module not initialised).
	Hidden []string `json:"hidden,omitempty"`

	in *Input
}

// Report is what Check says of a set.
type Report struct {
	// Version is the version of the report's schema: 1.
	Version int `json:"version"`
	// ToolVersion is the version of the program that wrote the report
	// (pullcheck sets it from its build info, e.g. v0.3.0); empty, and
	// left out of the JSON, unless the caller sets it.
	ToolVersion string            `json:"toolVersion,omitempty"`
	Templates   []*TemplateReport `json:"templates"`

	model *Model
}

// Failed says whether any unacknowledged error finding is in the report,
// or, with requirePrivate, any service or other launcher that is not
// private or skipped (a task definition nothing in the set launches fails
// by its error findings only), or an input that hides part of itself (it
// may hold services of its own).
func (r *Report) Failed(requirePrivate bool) bool {
	for _, t := range r.Templates {
		if requirePrivate && len(t.Hidden) > 0 {
			return true
		}
		for _, f := range t.Findings {
			if f.Severity == "error" && !f.Acknowledged {
				return true
			}
		}
		for _, s := range t.Services {
			for _, f := range s.Findings {
				if f.Severity == "error" && !f.Acknowledged {
					return true
				}
			}
			// a task definition nothing in the set launches has a network
			// the set cannot show: only its error findings fail
			if requirePrivate && s.Verdict != Private && s.Verdict != Skipped && s.Kind != KindTaskDef {
				return true
			}
		}
	}
	return false
}

// Findings returns every finding of the report, once each.
func (r *Report) Findings() []*Finding {
	var out []*Finding
	for _, t := range r.Templates {
		out = append(out, t.Findings...)
	}
	return out
}
