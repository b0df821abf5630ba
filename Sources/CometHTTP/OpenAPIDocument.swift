/// The OpenAPI 3.0 description of `/api`, served at `/api/openapi.yaml`. Hand-written; the interop
/// tests validate it and check the running server's answers against it, so it stays in sync.
enum OpenAPIDocument {
    static let yaml = #"""
        openapi: 3.0.3
        info:
          title: Comet admin API
          version: "1"
          description: >-
            Cluster administration over HTTP: the operations of `comet admin` as JSON. With ACL on, every
            call needs an admin account's keys as `Authorization: Basic base64(accessKey:secretKey)` or
            `Authorization: Bearer accessKey:secretKey`. Errors are answered as `{"error": "..."}`.
        servers:
          - url: /
        security:
          - {}
          - basic: []
          - bearer: []
        paths:
          /api/overview:
            get:
              operationId: overview
              summary: Brokers with their figures, and the number of topics and groups
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/Overview" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/cluster:
            get:
              operationId: cluster
              summary: Every broker with its runtime figures (mqadmin clusterList)
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/BrokerSummary" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/brokers/{address}/runtime:
            parameters: [ { $ref: "#/components/parameters/Address" } ]
            get:
              operationId: brokerRuntime
              summary: A broker's runtime info (GET_BROKER_RUNTIME_INFO)
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: object, additionalProperties: { type: string } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/brokers/{address}/config:
            parameters: [ { $ref: "#/components/parameters/Address" } ]
            get:
              operationId: brokerConfig
              summary: A broker's settings in force
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/ConfigEntry" } } } }
                default: { $ref: "#/components/responses/Error" }
            put:
              operationId: updateBrokerConfig
              summary: Changes one setting of a broker (UPDATE_BROKER_CONFIG)
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: "#/components/schemas/ConfigEntry" } } }
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/Brokers" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/topics:
            get:
              operationId: topics
              summary: Every topic the name servers route
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { type: string } } } }
                default: { $ref: "#/components/responses/Error" }
            post:
              operationId: createTopic
              summary: Creates or updates a topic on every master (of a cluster)
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: "#/components/schemas/TopicRequest" } } }
              responses:
                "201": { description: Created, content: { application/json: { schema: { $ref: "#/components/schemas/Brokers" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/topics/{topic}:
            parameters: [ { $ref: "#/components/parameters/Topic" } ]
            delete:
              operationId: deleteTopic
              summary: Deletes a topic from every master and name server
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/Count" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/topics/{topic}/status:
            parameters: [ { $ref: "#/components/parameters/Topic" } ]
            get:
              operationId: topicStatus
              summary: Min and max offset of every queue
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/QueueStatus" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/topics/{topic}/route:
            parameters: [ { $ref: "#/components/parameters/Topic" } ]
            get:
              operationId: topicRoute
              summary: Which brokers serve the topic, with how many queues
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/TopicRoute" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/topics/{topic}/groups:
            parameters: [ { $ref: "#/components/parameters/Topic" } ]
            get:
              operationId: topicGroups
              summary: Consumer groups online for the topic or holding offsets on it
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { type: string } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/topics/{topic}/messages:
            parameters: [ { $ref: "#/components/parameters/Topic" } ]
            post:
              operationId: sendMessage
              summary: Sends a test message
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: "#/components/schemas/SendRequest" } } }
              responses:
                "201": { description: Created, content: { application/json: { schema: { $ref: "#/components/schemas/Sent" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/groups:
            get:
              operationId: groups
              summary: Every subscription group on every master
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/GroupSettings" } } } }
                default: { $ref: "#/components/responses/Error" }
            post:
              operationId: createGroup
              summary: Creates or replaces a subscription group on every master
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: "#/components/schemas/GroupRequest" } } }
              responses:
                "201": { description: Created, content: { application/json: { schema: { $ref: "#/components/schemas/Brokers" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/groups/{group}:
            parameters: [ { $ref: "#/components/parameters/Group" } ]
            delete:
              operationId: deleteGroup
              summary: Deletes a subscription group (and with removeOffsets its committed offsets)
              parameters:
                - { name: removeOffsets, in: query, required: false, schema: { type: boolean } }
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/Brokers" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/groups/{group}/progress:
            parameters: [ { $ref: "#/components/parameters/Group" } ]
            get:
              operationId: groupProgress
              summary: The group's offsets and lag (diff) per queue
              parameters:
                - { name: topic, in: query, required: false, schema: { type: string } }
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/GroupQueueProgress" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/groups/{group}/connections:
            parameters: [ { $ref: "#/components/parameters/Group" } ]
            get:
              operationId: groupConnections
              summary: The group's live members and subscriptions
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/GroupMembers" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/groups/{group}/reset-offset:
            parameters: [ { $ref: "#/components/parameters/Group" } ]
            post:
              operationId: resetOffset
              summary: Moves the group's offsets on a topic to a time (-1 = the end)
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: "#/components/schemas/ResetRequest" } } }
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/Count" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/producers/{group}:
            parameters: [ { $ref: "#/components/parameters/Group" } ]
            get:
              operationId: producerConnections
              summary: A producer group's connections
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/GroupConnection" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/dlq/{group}:
            parameters: [ { $ref: "#/components/parameters/Group" } ]
            get:
              operationId: deadLetters
              summary: Messages in the group's dead-letter queue
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/DeadLetter" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/dlq/{group}/resend:
            parameters: [ { $ref: "#/components/parameters/Group" } ]
            post:
              operationId: resendDeadLetters
              summary: Sends the dead letters not re-sent before back to their original topics
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/Count" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/messages:
            get:
              operationId: searchMessages
              summary: Messages by offset message id, or by topic and key, unique key or time range
              parameters:
                - { name: id, in: query, required: false, schema: { type: string } }
                - { name: topic, in: query, required: false, schema: { type: string } }
                - { name: key, in: query, required: false, schema: { type: string } }
                - { name: uniqueKey, in: query, required: false, schema: { type: string } }
                - { name: begin, in: query, required: false, schema: { type: integer, format: int64 } }
                - { name: end, in: query, required: false, schema: { type: integer, format: int64 } }
                - { name: limit, in: query, required: false, schema: { type: integer, minimum: 1, maximum: 1000 } }
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Message" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/messages/{id}/trace:
            parameters: [ { $ref: "#/components/parameters/MessageId" } ]
            get:
              operationId: messageTrace
              summary: A message and, per consumer group of its topic, whether the group consumed it
              responses:
                "200": { description: OK, content: { application/json: { schema: { $ref: "#/components/schemas/MessageTrace" } } } }
                default: { $ref: "#/components/responses/Error" }
          /api/messages/{id}/resend:
            parameters: [ { $ref: "#/components/parameters/MessageId" } ]
            post:
              operationId: resendMessage
              summary: Asks live consumers of a group to consume the message again (CONSUME_MESSAGE_DIRECTLY)
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: "#/components/schemas/ResendRequest" } } }
              responses:
                "200":
                  description: OK
                  content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/DirectConsumeResult" } } } }
                default: { $ref: "#/components/responses/Error" }
        components:
          securitySchemes:
            basic: { type: http, scheme: basic }
            bearer: { type: http, scheme: bearer, description: "accessKey:secretKey" }
          parameters:
            Address: { name: address, in: path, required: true, description: "broker HOST:PORT", schema: { type: string } }
            Topic: { name: topic, in: path, required: true, schema: { type: string } }
            Group: { name: group, in: path, required: true, schema: { type: string } }
            MessageId: { name: id, in: path, required: true, description: offset message id, schema: { type: string } }
          responses:
            Error:
              description: An error (bad request, not found, broker failure, missing credentials)
              content:
                application/json: { schema: { $ref: "#/components/schemas/Error" } }
                text/plain: { schema: { type: string } }
          schemas:
            Error:
              type: object
              required: [error]
              properties: { error: { type: string } }
            Count:
              type: object
              required: [count]
              properties: { count: { type: integer } }
            Brokers:
              type: object
              required: [brokers]
              properties: { brokers: { type: array, items: { type: string } } }
            Overview:
              type: object
              required: [brokers, topics, groups]
              properties:
                brokers: { type: array, items: { $ref: "#/components/schemas/BrokerSummary" } }
                topics: { type: integer }
                groups: { type: integer }
            BrokerSummary:
              type: object
              required: [cluster, brokerName, brokerId, address, version, inTps, outTps, putTodayNow, getTodayNow,
                         putYesterday, getYesterday, commitLogDiskRatio]
              properties:
                cluster: { type: string }
                brokerName: { type: string }
                brokerId: { type: integer, format: int64 }
                address: { type: string }
                version: { type: string }
                inTps: { type: string, description: "messages per second in, over the last 10 s" }
                outTps: { type: string }
                putTodayNow: { type: integer, format: int64 }
                getTodayNow: { type: integer, format: int64 }
                putYesterday: { type: integer, format: int64 }
                getYesterday: { type: integer, format: int64 }
                commitLogDiskRatio: { type: string }
            ConfigEntry:
              type: object
              required: [key, value]
              properties: { key: { type: string }, value: { type: string } }
            TopicRequest:
              type: object
              required: [topic]
              properties:
                topic: { type: string, minLength: 1 }
                readQueues: { type: integer, format: int32 }
                writeQueues: { type: integer, format: int32 }
                order: { type: boolean }
                cluster: { type: string }
            QueueStatus:
              type: object
              required: [brokerName, queueId, minOffset, maxOffset]
              properties:
                brokerName: { type: string }
                queueId: { type: integer, format: int32 }
                minOffset: { type: integer, format: int64 }
                maxOffset: { type: integer, format: int64 }
            TopicRoute:
              type: object
              required: [queues, brokers]
              properties:
                queues:
                  type: array
                  items:
                    type: object
                    required: [brokerName, readQueues, writeQueues, perm]
                    properties:
                      brokerName: { type: string }
                      readQueues: { type: integer, format: int32 }
                      writeQueues: { type: integer, format: int32 }
                      perm: { type: integer, format: int32 }
                brokers:
                  type: array
                  items:
                    type: object
                    required: [cluster, brokerName, addresses]
                    properties:
                      cluster: { type: string }
                      brokerName: { type: string }
                      addresses: { type: object, additionalProperties: { type: string }, description: by broker id }
            SendRequest:
              type: object
              required: [body]
              properties:
                body: { type: string }
                tags: { type: string }
                keys: { type: array, items: { type: string } }
            Sent:
              type: object
              required: [messageId, offsetMessageId, brokerName, queueId, queueOffset]
              properties:
                messageId: { type: string }
                offsetMessageId: { type: string }
                brokerName: { type: string }
                queueId: { type: integer, format: int32 }
                queueOffset: { type: integer, format: int64 }
            GroupSettings:
              type: object
              required: [group, consumeEnable, consumeBroadcastEnable, consumeMessageOrderly, retryMaxTimes,
                         retryQueueNums, brokers]
              properties:
                group: { type: string }
                consumeEnable: { type: boolean }
                consumeBroadcastEnable: { type: boolean }
                consumeMessageOrderly: { type: boolean }
                retryMaxTimes: { type: integer, format: int32 }
                retryQueueNums: { type: integer, format: int32 }
                brokers: { type: array, items: { type: string } }
            GroupRequest:
              type: object
              required: [group]
              properties:
                group: { type: string, minLength: 1 }
                consumeEnable: { type: boolean }
                consumeBroadcastEnable: { type: boolean }
                consumeMessageOrderly: { type: boolean }
                retryMaxTimes: { type: integer, format: int32 }
                retryQueueNums: { type: integer, format: int32 }
            GroupQueueProgress:
              type: object
              required: [group, topic, brokerName, queueId, brokerOffset, consumerOffset, diff, lastTimestamp]
              properties:
                group: { type: string }
                topic: { type: string }
                brokerName: { type: string }
                queueId: { type: integer, format: int32 }
                brokerOffset: { type: integer, format: int64 }
                consumerOffset: { type: integer, format: int64 }
                diff: { type: integer, format: int64, description: lag (brokerOffset - consumerOffset) }
                lastTimestamp: { type: integer, format: int64 }
            GroupConnection:
              type: object
              required: [clientId, clientAddr, language, version]
              properties:
                clientId: { type: string }
                clientAddr: { type: string }
                language: { type: string }
                version: { type: integer, format: int32 }
            GroupMembers:
              type: object
              required: [connections, subscriptions, consumeType, messageModel, consumeFromWhere]
              properties:
                connections: { type: array, items: { $ref: "#/components/schemas/GroupConnection" } }
                subscriptions: { type: object, additionalProperties: { type: string } }
                consumeType: { type: string }
                messageModel: { type: string }
                consumeFromWhere: { type: string }
            ResetRequest:
              type: object
              required: [topic, timestamp]
              properties:
                topic: { type: string }
                timestamp: { type: integer, format: int64, description: "ms since the epoch; -1 = the end" }
            ResendRequest:
              type: object
              required: [group]
              properties:
                group: { type: string }
                clientId: { type: string }
            DeadLetter:
              type: object
              required: [messageId, originalTopic, reconsumeTimes, queueOffset, keys, body]
              properties:
                messageId: { type: string }
                originalTopic: { type: string }
                reconsumeTimes: { type: integer, format: int32 }
                queueOffset: { type: integer, format: int64 }
                tags: { type: string }
                keys: { type: array, items: { type: string } }
                body: { type: string }
            Message:
              type: object
              required: [topic, queueId, queueOffset, commitLogOffset, offsetMessageId, keys, bornTimestamp,
                         storeTimestamp, bornHost, storeHost, reconsumeTimes, properties, body]
              properties:
                topic: { type: string }
                brokerName: { type: string }
                queueId: { type: integer, format: int32 }
                queueOffset: { type: integer, format: int64 }
                commitLogOffset: { type: integer, format: int64 }
                offsetMessageId: { type: string }
                uniqueKey: { type: string }
                tags: { type: string }
                keys: { type: array, items: { type: string } }
                bornTimestamp: { type: integer, format: int64 }
                storeTimestamp: { type: integer, format: int64 }
                bornHost: { type: string }
                storeHost: { type: string }
                reconsumeTimes: { type: integer, format: int32 }
                properties: { type: object, additionalProperties: { type: string } }
                body: { type: string }
            MessageTrace:
              type: object
              required: [message, deliveries]
              properties:
                message: { $ref: "#/components/schemas/Message" }
                deliveries:
                  type: array
                  items:
                    type: object
                    required: [group, consumed]
                    properties:
                      group: { type: string }
                      consumerOffset: { type: integer, format: int64 }
                      consumed: { type: boolean }
            DirectConsumeResult:
              type: object
              required: [clientId, result]
              properties:
                clientId: { type: string }
                result: { type: string }
        """#
}
