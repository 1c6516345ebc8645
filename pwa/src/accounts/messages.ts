// Words of the account screens (change password, the admin's users), zh-CN first.
// Loaded with those screens, never with a worker's first screen.
import { addMessages } from '../i18n'

export const accountZh = {
  'password.title': '修改密码',
  'password.forced': '管理员为你设置了初始密码。请先换成只有你自己知道的新密码，再继续使用。',
  'password.current': '当前密码',
  'password.new': '新密码',
  'password.repeat': '再次输入新密码',
  'password.rule': '至少 10 个字符，不能是常见密码（如 password123、1234567890）',
  'password.currentRequired': '请输入当前密码',
  'password.newRequired': '请输入新密码',
  'password.mismatch': '两次输入的新密码不一致',
  'password.submit': '确认修改',
  'password.done': '密码已修改，其他设备上的登录已退出',
  'password.network': '无法连接服务器，请联网后再修改',
  'password.link': '修改密码',
  'users.title': '用户管理',
  'users.new': '新建用户',
  'users.username': '用户名',
  'users.displayName': '姓名',
  'users.phone': '手机号',
  'users.role': '角色',
  'users.password': '初始密码',
  'users.passwordHint': '用户首次登录后须修改。至少 10 个字符，不能是常见密码',
  'users.community': '社区',
  'users.streetWide': '全街道',
  'users.department': '部门',
  'users.grids': '网格',
  'users.create': '创建',
  'users.created': '已创建，请把初始密码当面告诉本人',
  'users.reset': '重置密码',
  'users.resetTitle': '为 {name} 设置新密码',
  'users.resetDone': '已重置，对方下次登录须修改密码',
  'users.mustChange': '待改密码',
  'users.inactive': '已停用',
  'users.cancel': '取消',
  'users.none': '无',
}

type AccountKey = keyof typeof accountZh

export const accountEn: Record<AccountKey, string> = {
  'password.title': 'Change password',
  'password.forced': 'An administrator set your first password. Choose a new one only you know before you go on.',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.repeat': 'New password again',
  'password.rule': 'At least 10 characters, not a common password (like password123 or 1234567890)',
  'password.currentRequired': 'Enter your current password',
  'password.newRequired': 'Enter a new password',
  'password.mismatch': 'The two new passwords differ',
  'password.submit': 'Change password',
  'password.done': 'Password changed; your other devices are logged out',
  'password.network': 'Cannot reach the server; connect and try again',
  'password.link': 'Change password',
  'users.title': 'Users',
  'users.new': 'New user',
  'users.username': 'Username',
  'users.displayName': 'Name',
  'users.phone': 'Phone',
  'users.role': 'Role',
  'users.password': 'First password',
  'users.passwordHint': 'They must change it at the first login. At least 10 characters, not a common one',
  'users.community': 'Community',
  'users.streetWide': 'Whole street',
  'users.department': 'Department',
  'users.grids': 'Grids',
  'users.create': 'Create',
  'users.created': 'Created; tell the person the first password face to face',
  'users.reset': 'Reset password',
  'users.resetTitle': 'New password for {name}',
  'users.resetDone': 'Reset; they must change it at the next login',
  'users.mustChange': 'Must change password',
  'users.inactive': 'Inactive',
  'users.cancel': 'Cancel',
  'users.none': 'None',
}

declare module '../i18n' {
  interface LazyMessages extends Record<AccountKey, string> {}
}

addMessages(accountZh, accountEn)
