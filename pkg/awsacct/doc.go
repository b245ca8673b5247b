// Package awsacct is the relay's adapter to the monitored AWS account.
//
// An Opener turns module settings into an Account: AWS clients built with
// the token's access keys or the function's own role, an optional assumed
// role, the settings' region, retries with backoff on throttling, and the
// endpoint named by AWS_ENDPOINT_URL when one is set. Clients are cached
// per credentials, so warm invocations reuse them. An Account answers the
// questions of package observe (Inventory and FlowSource) and the health
// check from EC2, CloudWatch Logs and STS.
package awsacct
