package explain

import "regexp"

// Cause is one way a task fails to pull its image or to start, as its
// stopped reason shows it.
type Cause struct {
	// ID names the cause in reports ("layer-download").
	ID string `json:"id"`
	// What says what went wrong, for a person.
	What string `json:"what"`
	// Leg is the part of the pull path that failed: "auth" (registry auth),
	// "manifest", "layers", "logs", "secrets", "registry" (an image from a
	// registry no endpoint serves), or "" for causes outside the path.
	Leg string `json:"leg,omitempty"`
	// Rules are the pull-path rules that find it in a configuration, when
	// it is one; none for causes outside the path (a missing tag is found
	// only in a live account, by PRIVATEPULL-IMAGE-MISSING).
	Rules []string `json:"rules"`
	// Fix says in words what to change.
	Fix string `json:"fix"`
	// Doc is the AWS page that documents it.
	Doc string `json:"doc"`
	// Outside is true when the configuration of the path cannot explain it
	// (a rate limit, a missing image, a platform mismatch).
	Outside bool `json:"outside,omitempty"`
}

// pattern ties the shapes of a message to a cause. A message matches when
// it matches all of all and none of none; the first pattern that matches
// wins, so the specific ones come first.
type pattern struct {
	all, none []*regexp.Regexp
	cause     *Cause
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(`(?i)` + s) }

const (
	docECREndpoints = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"
	docECSEndpoints = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html"
	docPullError    = "https://repost.aws/knowledge-center/ecs-fargate-pull-container-error"
	docInitError    = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html"
	docTimeout      = "https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error"
	docSecrets      = "https://repost.aws/knowledge-center/ecs-unable-to-pull-secrets"
	docAwslogs      = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html"
	docPrivateDNS   = "https://repost.aws/knowledge-center/vpc-interface-configure-dns"
	docCache        = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html"
)

// The causes, one per row of the README's troubleshooting table and per
// variant of AWS's stopped-task error pages.
var (
	LayerDownload = &Cause{ID: "layer-download", Leg: "layers",
		What:  "the image manifest came through, but the layer download from S3 (prod-REGION-starport-layer-bucket) has no path: the task groups allow no tcp/443 to the S3 prefix list, the subnets' route tables lack the S3 gateway route, or a network ACL drops it",
		Rules: []string{"PRIVATEPULL-S3-EGRESS", "PRIVATEPULL-S3-GATEWAY", "PRIVATEPULL-S3-INTERFACE", "PRIVATEPULL-NETWORK-ACL"},
		Fix:   "allow tcp/443 egress to the prefix list com.amazonaws.REGION.s3 from the task groups, and put an S3 gateway endpoint on the route tables of the task subnets",
		Doc:   docECREndpoints}
	LayerDenied = &Cause{ID: "layer-denied", Leg: "layers",
		What:  "the layer download reached S3 through the gateway, which refused it (403): the gateway's policy does not allow s3:GetObject on the layer bucket",
		Rules: []string{"PRIVATEPULL-S3-POLICY"},
		Fix:   "allow s3:GetObject on arn:aws:s3:::prod-REGION-starport-layer-bucket/* in the S3 gateway endpoint's policy",
		Doc:   docECREndpoints}
	RegistryUnreachable = &Cause{ID: "registry-unreachable", Leg: "manifest",
		What:  "the connection to the ECR registry (REGISTRY.dkr.ecr.REGION.amazonaws.com) timed out: at a private address, an endpoint answers but a security group or network ACL drops the connection; at a public address, the name does not resolve to an endpoint (no ecr.dkr endpoint, private DNS off, VPC DNS attributes off) and there is no way out",
		Rules: []string{"PRIVATEPULL-ENDPOINT-EGRESS", "PRIVATEPULL-ENDPOINT-INGRESS", "PRIVATEPULL-ECR-DKR", "PRIVATEPULL-PRIVATE-DNS", "PRIVATEPULL-VPC-DNS", "PRIVATEPULL-NETWORK-ACL", "PRIVATEPULL-PUBLIC-IP"},
		Fix:   "an ecr.dkr interface endpoint with private DNS on, tcp/443 from the task groups to the endpoint group and into it from the tasks",
		Doc:   docPullError}
	RegistryAuth = &Cause{ID: "registry-auth", Leg: "auth",
		What:  "Fargate could not get the ECR registry token through the task's network interface: the ecr.api endpoint is missing or unreachable",
		Rules: []string{"PRIVATEPULL-ECR-API", "PRIVATEPULL-PRIVATE-DNS", "PRIVATEPULL-ENDPOINT-EGRESS", "PRIVATEPULL-ENDPOINT-INGRESS", "PRIVATEPULL-EXECUTION-ROLE"},
		Fix:   "an ecr.api interface endpoint with private DNS on, reachable on tcp/443 from the tasks; the execution role allowed ecr:GetAuthorizationToken on *",
		Doc:   docInitError}
	PullDenied = &Cause{ID: "pull-denied", Leg: "auth",
		What:  "the registry or an endpoint policy refused the pull (AccessDenied / 403): the execution role may not pull the repository, or an ECR endpoint's policy does not allow it",
		Rules: []string{"PRIVATEPULL-EXECUTION-ROLE", "PRIVATEPULL-ENDPOINT-POLICY"},
		Fix:   "grant the execution role ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repository; let the ECR endpoints' policies allow them",
		Doc:   docPullError}
	SecretsManager = &Cause{ID: "secrets-secretsmanager", Leg: "secrets",
		What:  "Fargate could not read a secret from Secrets Manager before the container started: no secretsmanager endpoint (or it is unreachable), or the execution role may not read the secret (or decrypt it with its KMS key)",
		Rules: []string{"PRIVATEPULL-SECRETS-ENDPOINT", "PRIVATEPULL-ENDPOINT-EGRESS", "PRIVATEPULL-ENDPOINT-INGRESS", "PRIVATEPULL-EXECUTION-ROLE"},
		Fix:   "a secretsmanager interface endpoint (and kms for a customer key) reachable from the tasks; allow secretsmanager:GetSecretValue on the secret to the execution role",
		Doc:   docSecrets}
	SSMParameter = &Cause{ID: "secrets-ssm", Leg: "secrets",
		What:  "Fargate could not read a parameter from SSM Parameter Store before the container started: no ssm endpoint (or it is unreachable), or the execution role may not read the parameter",
		Rules: []string{"PRIVATEPULL-SECRETS-ENDPOINT", "PRIVATEPULL-ENDPOINT-EGRESS", "PRIVATEPULL-ENDPOINT-INGRESS", "PRIVATEPULL-EXECUTION-ROLE"},
		Fix:   "an ssm interface endpoint (and kms for a customer key) reachable from the tasks; allow ssm:GetParameters on the parameter to the execution role",
		Doc:   docSecrets}
	Logger = &Cause{ID: "logger", Leg: "logs",
		What:  "the awslogs driver could not reach CloudWatch Logs (no logs endpoint, private DNS off, or the security groups block it), or may not write the log stream",
		Rules: []string{"PRIVATEPULL-LOGS-ENDPOINT", "PRIVATEPULL-PRIVATE-DNS", "PRIVATEPULL-ENDPOINT-EGRESS", "PRIVATEPULL-ENDPOINT-INGRESS", "PRIVATEPULL-EXECUTION-ROLE"},
		Fix:   "a logs interface endpoint with private DNS on, reachable on tcp/443; allow logs:CreateLogStream and logs:PutLogEvents on the log group to the execution role",
		Doc:   docAwslogs}
	StartTimeout = &Cause{ID: "start-timeout", Leg: "logs",
		What:  "the task did not start within Fargate's timeout (ContainerRuntimeTimeoutError on platform 1.4.0, DockerTimeoutError on 1.3.0): in a VPC with no way out the usual cause is the awslogs driver waiting for CloudWatch Logs, or a pull that hangs",
		Rules: []string{"PRIVATEPULL-LOGS-ENDPOINT", "PRIVATEPULL-ECR-API", "PRIVATEPULL-ECR-DKR", "PRIVATEPULL-S3-EGRESS", "PRIVATEPULL-S3-GATEWAY"},
		Fix:   "a logs interface endpoint with private DNS on, reachable on tcp/443, and the whole ECR and S3 path",
		Doc:   docTimeout}
	PublicRegistry = &Cause{ID: "public-registry", Leg: "registry",
		What:  "the image comes from a registry that no VPC endpoint serves (Docker Hub, ECR Public, ghcr.io, quay.io, ...), and the tasks have no way out to it",
		Rules: []string{"PRIVATEPULL-IMAGE-REGISTRY"},
		Fix:   "copy the image into this region's private ECR (or use an ECR pull-through cache), or give the tasks a NAT route",
		Doc:   docPullError}
	CacheUpstream = &Cause{ID: "cache-upstream", Leg: "registry",
		What:  "a pull through an ECR pull-through cache could not fetch the image from upstream: the first pull of an uncached image needs the internet, the execution role may not ecr:BatchImportUpstreamImage, or the upstream credentials' secret is wrong",
		Rules: []string{"PRIVATEPULL-PULL-THROUGH-CACHE"},
		Fix:   "pull each image once from a network with a way out, and allow ecr:BatchImportUpstreamImage (and ecr:CreateRepository) to the execution role",
		Doc:   docCache}
	ImageMissing = &Cause{ID: "image-missing", Outside: true,
		What:  "the repository or the image's tag or digest does not exist: the network path worked",
		Rules: []string{"PRIVATEPULL-IMAGE-MISSING"},
		Fix:   "push the image, or point the task definition at a tag or digest that exists (aws ecr describe-images --repository-name REPO --image-ids imageTag=TAG)",
		Doc:   docPullError}
	RateLimit = &Cause{ID: "rate-limit", Outside: true,
		What:  "the registry refused the pull for its rate limit (Docker Hub's toomanyrequests, HTTP 429): the network path worked",
		Rules: []string{"PRIVATEPULL-IMAGE-REGISTRY"},
		Fix:   "copy the image into private ECR (or use an ECR pull-through cache with credentials), or pull with authentication",
		Doc:   docPullError}
	Platform = &Cause{ID: "platform", Outside: true,
		What: "the image has no variant for the task's CPU architecture or operating system: the network path worked",
		Fix:  "build the image for the task definition's runtimePlatform (linux/amd64 or linux/arm64), or change runtimePlatform",
		Doc:  docPullError}
	DiskSpace = &Cause{ID: "disk-space", Outside: true,
		What: "the image does not fit in the task's ephemeral storage: the network path worked",
		Fix:  "raise the task definition's ephemeralStorage, or make the image smaller",
		Doc:  docPullError}
	PrivateDNSConflict = &Cause{ID: "private-dns-conflict", Outside: true,
		What: "a deploy could not create an interface endpoint with private DNS: the VPC already has one for that service (or a private hosted zone for its name)",
		Fix:  "reuse the existing endpoints (EndpointsProps.Existing in the library) instead of creating new ones",
		Doc:  docPrivateDNS}
)

// secretsAuth is the prefix of Fargate's secrets and registry auth errors.
var secretsAuth = re(`unable to pull secrets or registry auth|execution resource retrieval failed`)

// patterns are tried in order.
var patterns = []pattern{
	{all: []*regexp.Regexp{re(`conflicting DNS domain|private-dns-enabled cannot be set`)}, cause: PrivateDNSConflict},
	{all: []*regexp.Regexp{re(`toomanyrequests|pull rate limit|429 Too Many Requests`)}, cause: RateLimit},
	{all: []*regexp.Regexp{re(`UnableToGetUpstreamImage|pull through cache|BatchImportUpstreamImage`)}, cause: CacheUpstream},
	{all: []*regexp.Regexp{re(`no space left on device`)}, cause: DiskSpace},
	{all: []*regexp.Regexp{re(`no matching manifest|does not contain descriptor matching platform|exec format error|platform .* not supported`)}, cause: Platform},
	{all: []*regexp.Regexp{re(`starport-layer-bucket`), re(`\b403\b|Forbidden|AccessDenied`)}, cause: LayerDenied},
	{all: []*regexp.Regexp{re(`starport-layer-bucket`)}, cause: LayerDownload},
	{all: []*regexp.Regexp{secretsAuth, re(`asm|secretsmanager|secrets manager`)}, cause: SecretsManager},
	{all: []*regexp.Regexp{secretsAuth, re(`\bssm\b|parameter`)}, cause: SSMParameter},
	{all: []*regexp.Regexp{secretsAuth, re(`AccessDenied|not authorized`)}, cause: PullDenied},
	{all: []*regexp.Regexp{secretsAuth}, cause: RegistryAuth},
	{all: []*regexp.Regexp{re(`logger|logging driver|awslogs|CloudWatch ?Logs|logs\.[a-z0-9-]+\.amazonaws`)}, cause: Logger},
	{all: []*regexp.Regexp{re(`DockerTimeoutError|ContainerRuntimeTimeoutError|start timeout|unable transition start timeout`)}, cause: StartTimeout},
	{all: []*regexp.Regexp{re(`manifest unknown|MANIFEST_UNKNOWN|not found|repository does not exist|RepositoryNotFound|ImageNotFound|name unknown`)}, none: []*regexp.Regexp{re(`i/o timeout|deadline exceeded|request canceled`)}, cause: ImageMissing},
	{all: []*regexp.Regexp{re(`pull access denied|AccessDenied|\b403\b|Forbidden|not authorized|no basic auth credentials`)}, cause: PullDenied},
	{all: []*regexp.Regexp{re(`\.dkr\.ecr|ecr\.[a-z0-9-]+\.amazonaws|api\.ecr`), re(`timeout|timed out|deadline exceeded|request canceled|connection refused|no route to host|no such host|dial tcp`)}, cause: RegistryUnreachable},
	{all: []*regexp.Regexp{re(`docker\.io|public\.ecr\.aws|ghcr\.io|quay\.io|gcr\.io|registry\.|[a-z0-9-]+\.[a-z]{2,}/`), re(`timeout|timed out|deadline exceeded|request canceled|connection refused|dial tcp|no such host`)}, cause: PublicRegistry},
	{all: []*regexp.Regexp{re(`CannotPullContainerError`), re(`timeout|timed out|deadline exceeded|request canceled|dial tcp`)}, cause: RegistryUnreachable},
}

// Causes lists every cause the classifier knows, in the order it tries them.
func Causes() []*Cause {
	var out []*Cause
	seen := map[*Cause]bool{}
	for _, p := range patterns {
		if !seen[p.cause] {
			seen[p.cause] = true
			out = append(out, p.cause)
		}
	}
	return out
}
