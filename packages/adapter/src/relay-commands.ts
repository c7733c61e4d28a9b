// The holder's side of forwarded commands: a follower's command run through the holder's own Connection methods.
import type { RelayCommand } from './conversation-relay.js'
import type { ConversationField, MessagingEvent, UserProfile } from './messaging-types.js'

/** The part of a `Connection` forwarded commands run on. @internal */
export interface RelayCommandTarget {
  publishEvent(dialogId: string, event: MessagingEvent): Promise<{ readonly sequence: number }>
  closeConversation(conversationId: string): Promise<void>
  updateConversationField(conversationId: string, field: ConversationField | readonly ConversationField[]): Promise<void>
  setUserProfile(profile: UserProfile): Promise<void>
}

/**
 * Runs a follower's command on the holder exactly as the holder's own socket would: the answer
 * (or the failure, with its code, status and body) is what the follower's socket answers.
 *
 * @internal
 */
export async function runRelayCommand(target: RelayCommandTarget, conversationId: string, command: RelayCommand): Promise<unknown> {
  switch (command.kind) {
    case 'publishEvent':
      return target.publishEvent(conversationId, command.event)
    case 'close':
      return target.closeConversation(conversationId)
    case 'updateConversationField':
      return target.updateConversationField(conversationId, command.field)
    case 'setVisitorName':
      return target.setUserProfile({ firstName: command.name })
  }
}
