// qrcode-terminal 0.12.0 ships no types; the one function the device uses (lib/main.js).
declare module 'qrcode-terminal' {
  const qrcode: {
    generate(input: string, options: { small?: boolean }, callback: (qr: string) => void): void
  }
  export default qrcode
}
