package io.emcomm.bench.load;


/** Sends FLASH-marked messages to one sink and everything else to another (flash under load). */
public final class FlashSplitter implements MessageListener
{
    private final MessageListener flash;
    private final MessageListener routine;

    /**
     * @param flash   receives messages whose payload marker is FLASH ({@link Payload#FLASH}).
     * @param routine receives all others; both are called on the receiving client's thread.
     */
    public FlashSplitter(final MessageListener flash, final MessageListener routine)
    {
        this.flash = flash;
        this.routine = routine;
    }

    @Override
    public void onMessage(final long stampNanos, final boolean isFlash)
    {
        (isFlash ? flash : routine).onMessage(stampNanos, isFlash);
    }
}
