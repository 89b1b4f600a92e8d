[
  {
    "name": "${name}",
    "image": "${image}",
    "essential": true,
    "logConfiguration": {
      "logDriver": "awslogs",
      "options": { "awslogs-group": "/ecs/${name}", "awslogs-stream-prefix": "${name}" }
    }
  }
]
