// Command watchdog is the Lambda function serving GET /watchdog.
package main

import (
	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

func main() { boot.Lambda(routes.Watchdog) }
